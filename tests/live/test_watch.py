"""A page that watches a session (`?watch=ID`, following `live --source FILE`): it gets the session's checks
as its first message, like the page that started a session, shows a tile for each, and keeps Start off
with a note saying it watches a session."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from interview_guard.live import server
from interview_guard.live.server import LiveAgent
from interview_guard.live.session import LiveSession, new_session_folder
from interview_guard.options import AnalysisOptions, LipSyncOptions, LivenessOptions, SpeechOptions
from tests.review.server import free_port, serve_agent

# What `live --source v4l2:...` runs: no speech, no lip-sync; no liveness keeps the test light.
VIDEO_ONLY = AnalysisOptions(speech=SpeechOptions(enabled=False), lip_sync=LipSyncOptions(enabled=False),
                             liveness=LivenessOptions(enabled=False))
CHECKS = ["no_face", "face_partly_out", "several_faces", "identity_change", "several_identities",
          "reference_mismatch", "reference_match", "face_unusable"]


def test_the_checks_message_lists_what_the_options_run() -> None:
    assert server.checks_message(VIDEO_ONLY) == {"type": "checks", "checks": CHECKS}
    full = server.checks_message(AnalysisOptions())["checks"]
    assert "second_voice" in full and "av_offset" in full and "no_pulse" in full


def test_a_watcher_gets_the_sessions_checks_first(tmp_path: Path) -> None:
    agent = LiveAgent(VIDEO_ONLY, tmp_path)
    session = LiveSession(VIDEO_ONLY, new_session_folder(tmp_path), "file:call.mp4")  # not started: no models
    agent.sessions[session.id] = session

    async def run() -> dict:
        async with TestClient(TestServer(agent.app())) as client:
            try:
                response = await client.get(f"/sessions/{session.id}/events")
                line = await asyncio.wait_for(response.content.readline(), 10)
                response.close()
            finally:
                agent.sessions.pop(session.id)  # never started: nothing for the shutdown to finish
            return json.loads(line.removeprefix(b"data: "))

    assert asyncio.run(run()) == {"type": "checks", "checks": CHECKS}


@contextmanager
def _serving(agent: LiveAgent) -> Iterator[str]:
    port, ready, stop = free_port(), threading.Event(), threading.Event()

    thread = threading.Thread(target=lambda: asyncio.run(serve_agent(agent, port, ready, stop)), daemon=True)
    thread.start()
    assert ready.wait(30), "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop.set()
        thread.join(30)


@pytest.mark.slow
def test_the_watch_page_shows_the_checks_and_keeps_start_off(tmp_path: Path) -> None:
    if shutil.which("chromium") is None or importlib.util.find_spec("playwright") is None:
        pytest.skip("chromium or playwright is not installed (.ci/run installs them)")
    from playwright.sync_api import expect, sync_playwright

    agent = LiveAgent(VIDEO_ONLY, tmp_path)
    with _serving(agent) as url:
        session = agent.start_session("file:call.mp4")  # no media comes: ends on Stop
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(f"{url}/?watch={session.id}")
            expect(page.locator("#tiles .tile")).to_have_count(len(CHECKS), timeout=20_000)
            assert page.locator("#tiles .tile").evaluate_all("els => els.map(e => e.dataset.check)") == CHECKS
            expect(page.locator("#start")).to_be_disabled()
            expect(page.locator("#watch-note")).to_be_visible()
            expect(page.locator("#watch-note")).to_contain_text(f"watches session {session.id}")
            page.locator("#stop").click()  # ends the watched session
            expect(page.locator("#state")).to_have_text(re.compile("ended|failed"), timeout=60_000)
            page.wait_for_timeout(300)
            expect(page.locator("#start")).to_be_disabled()  # still: this page cannot start a session
            browser.close()
        assert session.wait(30) is not None or session.error
