"""A real review server on a loopback port, in a thread, over a store seeded with sessions."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aiohttp import web

from interview_guard.config import load_config
from interview_guard.live.server import LiveAgent
from interview_guard.options import AnalysisOptions
from interview_guard.store import open_store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def serve_agent(agent: LiveAgent, port: int, ready: threading.Event, stop: threading.Event) -> None:
    """The agent's app on 127.0.0.1:port: ready is set once it listens; it stops when stop is set."""
    runner = web.AppRunner(agent.app())
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    ready.set()
    while not stop.is_set():
        await asyncio.sleep(0.05)
    await runner.cleanup()


@contextmanager
def review_server(data_dir: Path, token: str = "") -> Iterator[str]:
    """Serve the app (review + live routes; with a token, as on a non-local bind) at the URL yielded."""
    port = free_port()
    ready, stop = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    async def serve(store) -> None:
        await serve_agent(LiveAgent(AnalysisOptions(), data_dir, store, token=token, live=not token), port,
                          ready, stop)

    def run() -> None:
        try:
            with open_store(load_config(data_dir)) as store:
                asyncio.run(serve(store))
        except BaseException as e:  # surfaced to the test below
            errors.append(e)
            ready.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(30)
    if errors:
        raise errors[0]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop.set()
        thread.join(10)
