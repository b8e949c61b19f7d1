"""`interview-guard live`: serve the page and analyse a call (or a recording, or a camera) as it runs."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import webbrowser
from dataclasses import replace
from pathlib import Path

from interview_guard.cli_options import add_analysis_flags, analysis_from_args
from interview_guard.errors import UserError
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions


def add_live_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "live", help="analyse a call while it runs: serve the page, receive the call over WebRTC",
        description="Start the local agent: open http://HOST:PORT/, share the call's browser tab (or a camera) "
                    "and watch the indicators as the interview runs. Each session is written to the data folder "
                    "(journal.jsonl as it happens; summary.json and report.html at the end).")
    _add_server_args(p, "127.0.0.1, this machine only")
    p.add_argument("--source", default=None, metavar="FILE|v4l2:DEV",
                   help="analyse a recording played in real time, or a camera (v4l2:/dev/video0), instead of "
                        "waiting for the page; with --no-browser the command ends with the source")
    p.add_argument("--speed", type=float, default=1.0, help="with --source FILE: play faster (2 = twice real time)")
    _add_analysis_args(p)
    s = sub.add_parser(
        "serve", help="serve the review app (and the live page): sessions, evidence, decisions",
        description="Serve the review app at http://HOST:PORT/review: the stored sessions with their risk, "
                    "timeline, transcript and evidence, and the reviewers' decisions (audited). On this machine "
                    "the live page is served too. Any other --host needs [server] token in config.toml. "
                    "Sessions older than the configured retention are purged at start and daily.")
    _add_server_args(s, "127.0.0.1; another address needs a token")
    _add_analysis_args(s)


def _add_server_args(p: argparse.ArgumentParser, host_help: str) -> None:
    p.add_argument("--host", default="127.0.0.1", help=f"address to bind (default {host_help})")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument("--no-browser", action="store_true", help="do not open the page")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="where sessions are kept (default: IG_DATA_DIR or ~/.local/share/interview-guard)")


# live's and serve's analysis flags (cli_options.FLAGS); their defaults are live_defaults()'s
LIVE_FLAGS = ("fps", "lip_sync_fps", "language", "device", "no_lip_sync", "no_liveness", "no_forgery", "reference",
              "profile", "candidate", "consent")
_NOTES = {"reference": "the page can upload one too", "profile": "the page can upload one too"}


def live_defaults() -> AnalysisOptions:
    """Live settings trade frames for keeping up: 5 analysed fps, 15 mouth fps, 6 s speech windows; the
    interviewer starts head-turn challenges from the page."""
    from interview_guard.options import LipSyncOptions, LivenessOptions, MediaOptions, SpeechOptions

    return AnalysisOptions(media=MediaOptions(analysis_fps=5.0), speech=SpeechOptions(window_s=6.0),
                           lip_sync=LipSyncOptions(fps=15.0), liveness=LivenessOptions(challenge_on_request=True))


def _add_analysis_args(p: argparse.ArgumentParser) -> None:
    add_analysis_flags(p, LIVE_FLAGS, live_defaults(), _NOTES)


def live_settings(args: argparse.Namespace) -> tuple[AnalysisOptions, SessionInputs]:
    """The settings and the inputs every session starts from (the page's uploads replace those); a camera
    (--source v4l2:...) brings no audio: no speech, no lip-sync."""
    settings, inputs = analysis_from_args(args, live_defaults())
    if args.source and args.source.startswith("v4l2:"):
        settings = replace(settings, speech=replace(settings.speech, enabled=False),
                           lip_sync=replace(settings.lip_sync, enabled=False))
    return settings, inputs


def run_live(args: argparse.Namespace) -> int:
    from aiohttp import web

    from interview_guard.config import load_config
    from interview_guard.live.server import LiveAgent
    from interview_guard.store import open_store

    _require_local(args.host)
    config = load_config(args.data_dir)
    settings, inputs = live_settings(args)
    with open_store(config) as store:
        agent = LiveAgent(settings, config.data_dir, store, candidate=args.candidate, consent_by=args.consent,
                          inputs=inputs)
        return asyncio.run(_serve(agent, args, web))


def run_serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from interview_guard.config import CONFIG_NAME, load_config
    from interview_guard.live.server import LiveAgent
    from interview_guard.review.auth import require_token_for
    from interview_guard.store import open_store

    args.source = None
    config = load_config(args.data_dir)
    needs_token = require_token_for(args.host, config.token, str(config.source or config.data_dir / CONFIG_NAME))
    settings, inputs = live_settings(args)
    with open_store(config) as store:
        agent = LiveAgent(settings, config.data_dir, store, token=config.token if needs_token else "",
                          live=not needs_token, candidate=args.candidate, consent_by=args.consent, inputs=inputs)
        return asyncio.run(_serve(agent, args, web, page="review"))


async def _serve(agent, args: argparse.Namespace, web, page: str = "") -> int:
    if agent.store is not None and agent.store.config.retention_days:
        agent.keep(asyncio.ensure_future(_apply_retention(agent.store)))
    runner = web.AppRunner(agent.app())
    await runner.setup()
    try:
        site = web.TCPSite(runner, args.host, args.port)
        try:
            await site.start()
        except OSError as e:
            raise UserError(f"cannot listen on {args.host}:{args.port} ({e.strerror}); pick another --port") from e
        port = runner.addresses[0][1] if args.port == 0 and runner.addresses else args.port  # --port 0: the one bound
        url = f"http://{args.host}:{port}/{page}"
        print(f"interview-guard {'serve' if page else 'live'}: {url}  (sessions in {agent.data_dir}; "
              f"{_how_it_ends(args)})", file=sys.stderr, flush=True)
        if args.source:
            session = await _start_source(agent, args)
            if args.no_browser:
                return await _wait_for_end(session)
            _open_page(f"{url}?watch={session.id}")
        elif not args.no_browser:
            _open_page(url)
        await _until_stopped()
        return 0
    finally:
        await runner.cleanup()


def _how_it_ends(args: argparse.Namespace) -> str:
    """A recording with no page ends by itself; a camera, or a server kept for a page, runs until Ctrl-C."""
    if args.source and args.no_browser and not args.source.startswith("v4l2:"):
        return f"ends when {Path(args.source).name} has played to its end; Ctrl-C stops it early"
    return "Ctrl-C to stop"


def _open_page(url: str) -> bool:
    """Open the page in a browser where there is one; else say where to open it. A console browser (what
    Python picks on Linux without a display) would take over this terminal: none is used there unless
    BROWSER names one."""
    env = os.environ
    headless = sys.platform.startswith("linux") and not any(env.get(k) for k in ("DISPLAY", "WAYLAND_DISPLAY",
                                                                                   "BROWSER"))
    opened = False
    if not headless:
        try:
            webbrowser.get()  # webbrowser.Error when no browser is registered at all
            opened = webbrowser.open(url)
        except webbrowser.Error:
            opened = False
    print(f"opened {url} in the browser" if opened else f"no browser to open here: open {url} in a browser on "
          f"this machine", file=sys.stderr, flush=True)
    return opened


async def _until_stopped() -> None:
    while True:
        await asyncio.sleep(3600)


async def _start_source(agent, args: argparse.Namespace):
    from interview_guard.live.sources import RecordingPlayer, open_device, pump_device

    if args.source.startswith("v4l2:"):
        player = open_device(args.source)
        session = agent.start_session(args.source)
        agent.keep(asyncio.ensure_future(pump_device(player, session)))
        return session
    path = Path(args.source)
    inputs = await asyncio.get_running_loop().run_in_executor(None, agent.session_inputs, {}, path.parent)
    player = RecordingPlayer(path, agent.options, speed=args.speed, inputs=inputs)
    session = agent.start_session(f"file:{path.name}", inputs=inputs)
    player.start(session)
    return session


async def _wait_for_end(session) -> int:
    summary = await asyncio.get_running_loop().run_in_executor(None, session.wait)
    if summary is None:
        raise UserError(f"live session {session.id} failed: {session.error}")
    print(f"session {session.id}: risk {summary.risk.level.upper()} ({len(summary.indicators)} indicators)",
          file=sys.stderr)
    for ind in summary.risk.top_reasons:
        print(f"  - [{ind.check}] {ind.reason}", file=sys.stderr)
    print(f"wrote {session.folder / 'summary.json'}\nwrote {session.folder / 'report.html'}", file=sys.stderr)
    return 0


async def _apply_retention(store) -> None:
    """Purge sessions past the configured retention now and once a day (off the event loop)."""
    loop = asyncio.get_running_loop()
    while True:
        ids = await loop.run_in_executor(None, store.expired, store.config.retention_days)
        if ids:
            result = await loop.run_in_executor(None, store.purge, ids, "retention")
            print(f"retention: purged {result.sessions} session(s) older than {store.config.retention_days} days",
                  file=sys.stderr, flush=True)
        await asyncio.sleep(24 * 3600)


def _require_local(host: str) -> None:
    from interview_guard.review.auth import is_local

    if not is_local(host):
        raise UserError(f"--host {host}: live mode serves this machine only (127.0.0.1); the call's media and "
                        f"the candidate's data must not be reachable from the network")

