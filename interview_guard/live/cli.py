"""`interview-guard live`: serve the page and analyse a call (or a recording, or a camera) as it runs."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import webbrowser
from pathlib import Path

from interview_guard.errors import UserError


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


def _add_analysis_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fps", type=float, default=5.0, help="frames analysed per second (default 5)")
    p.add_argument("--lip-sync-fps", type=float, default=15.0,
                   help="mouth frames per second for lip-sync (default 15; lower keeps up on slow machines)")
    p.add_argument("--language", default="en", help="'en' (Whisper tiny.en, default), 'auto', or a code")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"], help="where speech runs")
    p.add_argument("--no-lip-sync", action="store_true", help="skip lip-sync (the costliest check)")
    p.add_argument("--no-liveness", action="store_true", help="skip liveness and deepfake signals")
    p.add_argument("--no-forgery", action="store_true", help="skip the learned face-forgery detector")
    p.add_argument("--reference", action="append", default=[], metavar="PHOTO",
                   help="ID or résumé photo to compare the candidate with (the page can upload one too)")
    p.add_argument("--profile", type=Path, default=None, metavar="FILE",
                   help="the candidate's JSON Resume or résumé (the page can upload one too)")
    p.add_argument("--candidate", default="", metavar="ID",
                   help="a candidate already in the store (id or e-mail), when there is no profile")
    p.add_argument("--consent", default="", metavar="TEXT",
                   help="the candidate consents to an identity template being kept and compared across their "
                        "sessions: who recorded it and how (needs [candidates] template_key)")


def live_options(args: argparse.Namespace):
    from interview_guard.options import (AnalysisOptions, ForgeryOptions, IdentityOptions, LipSyncOptions,
                                         LivenessOptions, MediaOptions, SpeechOptions)

    # Live defaults trade frames for keeping up: 5 analysed fps, 15 mouth fps, 6 s speech windows.
    video_only = bool(args.source and args.source.startswith("v4l2:"))
    return AnalysisOptions(
        media=MediaOptions(analysis_fps=args.fps),
        speech=SpeechOptions(enabled=not video_only, language=args.language.lower(), device=args.device,
                             window_s=6.0),
        identity=IdentityOptions(references=tuple(args.reference)),
        lip_sync=LipSyncOptions(enabled=not (video_only or args.no_lip_sync), fps=args.lip_sync_fps),
        liveness=LivenessOptions(enabled=not args.no_liveness, challenge_on_request=True),
        forgery=ForgeryOptions(enabled=not args.no_forgery),
        profile=str(args.profile) if args.profile else "")


def run_live(args: argparse.Namespace) -> int:
    from aiohttp import web

    from interview_guard.config import load_config
    from interview_guard.live.server import LiveAgent
    from interview_guard.store import open_store

    _require_local(args.host)
    config = load_config(args.data_dir)
    with open_store(config) as store:
        agent = LiveAgent(live_options(args), config.data_dir, store, candidate=args.candidate,
                          consent_by=args.consent)
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
    with open_store(config) as store:
        agent = LiveAgent(live_options(args), config.data_dir, store, token=config.token if needs_token else "",
                          live=not needs_token, candidate=args.candidate, consent_by=args.consent)
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
    options = await asyncio.get_running_loop().run_in_executor(None, agent.session_options, {}, path.parent)
    player = RecordingPlayer(path, options, speed=args.speed)
    session = agent.start_session(f"file:{path.name}", options=options)
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

