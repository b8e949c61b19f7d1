"""The live agent's web server (aiohttp + aiortc): the page, WebRTC signalling, session files.

Signalling follows the aiortc examples: `POST /offer` with JSON {sdp, type} answers {sdp, type}
(plus `session`). Optional fields: `candidate` (name), `profile` ({name, data: base64}),
`reference` ({name, data: base64}) and `consent` (who recorded the candidate's consent to an identity
template, and how). The client opens a DataChannel named `indicators`; the agent
sends one JSON object per update on it and accepts {"type": "stop"} and {"type": "challenge"}
(start a head-turn challenge now). Watchers that send no media
(a page following `live --source FILE`) read the same messages from `GET /sessions/{id}/events`
(server-sent events). Either way the first message is {"type": "checks", "checks": [...]}: the checks the
session runs, so that a page shows a tile for each before any has judged.
`POST /sessions/{id}/follow-ups/{follow_up}` with {"state": "asked" | "answered"}
marks a proposed follow-up question (any page, either way of following).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import shutil
from dataclasses import replace
from pathlib import Path

from aiohttp import web
from aiortc import RTCPeerConnection, RTCSessionDescription

from interview_guard.analyzers.registry import checks_run
from interview_guard.errors import UserError
from interview_guard.follow_ups import FollowUpError, FollowUpsClosed, UnknownFollowUp
from interview_guard.inputs import SessionInputs
from interview_guard.live.clock import SenderReports, SessionClock
from interview_guard.live.journal import Message
from interview_guard.live.session import LiveSession, new_session_folder
from interview_guard.live.sources import pump_track
from interview_guard.options import AnalysisOptions
from interview_guard.review.api import ReviewApp, json_errors
from interview_guard.review.auth import token_middleware
from interview_guard.review.guard import same_origin_only
from interview_guard.store import Store

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
_MAX_UPLOAD = 20 * 1024 * 1024
_CHANNEL_BACKLOG = 4 * 1024 * 1024  # bytes a slow page may have waiting before updates are dropped
_EVENT_QUEUE = 500
_SESSION_FILES = {"report.html", "summary.json", "journal.jsonl"}


class LiveAgent:
    """Owns the peer connections and sessions; one analysed session at a time (the cores are few)."""

    connect_timeout_s = 30.0  # from the answer to a connected page (ICE on one machine takes a second)

    def __init__(self, options: AnalysisOptions, data_dir: Path, store: Store | None = None,
                 token: str = "", live: bool = True, candidate: str = "", consent_by: str = "",
                 inputs: SessionInputs | None = None) -> None:
        """options: the settings of every session; store: sessions are written there and the review app is
        served; token: every request needs it (a non-local bind); live: serve the live page and WebRTC (off on
        a non-local bind); candidate and consent_by: the candidate of the sessions (id or e-mail) and their
        consent to identity templates; inputs: what every session starts from (the command line's reference
        photos and profile), which the page's uploads replace."""
        self.options, self.data_dir, self.store, self.token, self.live = options, data_dir, store, token, live
        self.candidate, self.consent_by = candidate, consent_by
        self.inputs = inputs if inputs is not None else SessionInputs()
        self.sessions: dict[str, LiveSession] = {}
        self.current: LiveSession | None = None
        self._pcs: set[RTCPeerConnection] = set()
        self._tasks: set[asyncio.Future] = set()

    def app(self) -> web.Application:
        middlewares = [same_origin_only, json_errors] + ([token_middleware(self.token)] if self.token else [])
        app = web.Application(client_max_size=2 * _MAX_UPLOAD, middlewares=middlewares)
        if self.store is not None:
            ReviewApp(self.store).add_routes(app)
        if not self.live:
            app.router.add_get("/", self.to_review)
            return app
        app.router.add_get("/", self.index)
        app.router.add_static("/static/", STATIC)
        app.router.add_post("/offer", self.offer)
        app.router.add_get("/api/current", self.current_session)
        app.router.add_post("/sessions/{id}/stop", self.stop_session)
        app.router.add_post("/sessions/{id}/follow-ups/{follow_up}", self.mark_follow_up)
        app.router.add_get("/sessions/{id}/events", self.events)
        app.router.add_get("/sessions/{id}/evidence/{name}", self.evidence)
        app.router.add_get("/sessions/{id}/{name}", self.session_file)
        app.on_shutdown.append(self.shutdown)
        return app

    # ------------------------------------------------------------ sessions

    def start_session(self, source: str, candidate: str = "", inputs: SessionInputs | None = None,
                      folder: Path | None = None) -> LiveSession:
        """inputs: the session's (session_inputs()), else the agent's own."""
        if self.current is not None and not self.current.ended:
            raise UserError(f"session {self.current.id} is still running: stop it first")
        session = LiveSession(self.options, folder or new_session_folder(self.data_dir), source, candidate,
                              self.store, inputs if inputs is not None else self.inputs)
        self.sessions[session.id] = self.current = session
        session.start()
        return session

    async def end_session(self, session: LiveSession, pc: RTCPeerConnection | None = None) -> None:
        """Finish the analysis off the event loop, then close the connection."""
        await asyncio.get_running_loop().run_in_executor(None, session.finish)
        if pc is not None:
            await pc.close()
            self._pcs.discard(pc)

    def _end_soon(self, session: LiveSession, pc: RTCPeerConnection | None) -> None:
        self.keep(asyncio.ensure_future(self.end_session(session, pc)))

    def keep(self, task: asyncio.Future) -> None:
        """Hold a reference to a background task until it is done (the loop keeps only weak ones)."""
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------ handlers

    async def index(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "index.html")

    async def to_review(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/review")

    async def offer(self, request: web.Request) -> web.Response:
        try:
            params = await request.json()
            offer = RTCSessionDescription(sdp=str(params["sdp"]), type=str(params["type"]))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, RecursionError):
            return _error(400, "expected JSON {sdp, type} with an SDP offer")
        if offer.type != "offer":
            return _error(400, f"expected an offer, got type {offer.type[:40]!r}")
        if self.current is not None and not self.current.ended:
            return _error(409, f"session {self.current.id} is still running: stop it first")
        folder = new_session_folder(self.data_dir)
        try:
            # Reading a photo's face and parsing a résumé take real time: off the event loop.
            inputs = await asyncio.get_running_loop().run_in_executor(None, self.session_inputs, params, folder)
            if not any(line.startswith(("m=video", "m=audio")) for line in offer.sdp.splitlines()):
                raise UserError("the SDP offer has no audio or video to analyse (share a tab or a camera)")
            session = self.start_session("webrtc", str(params.get("candidate", ""))[:200], inputs, folder)
        except UserError as e:
            shutil.rmtree(folder, ignore_errors=True)  # nothing was recorded yet
            return _error(400, str(e))
        pc = RTCPeerConnection()
        self._pcs.add(pc)
        self._wire(pc, session)
        try:
            await pc.setRemoteDescription(offer)
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception as e:  # aiortc raises ValueError and others for an SDP it cannot use
            await self.end_session(session, pc)
            return _error(400, f"the SDP offer cannot be used ({type(e).__name__}: {str(e)[:200]})")
        self.keep(asyncio.ensure_future(self._end_if_never_connected(session, pc)))
        return web.json_response({"sdp": pc.localDescription.sdp, "type": pc.localDescription.type,
                                  "session": session.id})

    async def _end_if_never_connected(self, session: LiveSession, pc: RTCPeerConnection) -> None:
        """An offer whose page never connects (closed, blocked, or not a browser at all) must not hold the
        one session slot: after connect_timeout_s it ends like a failed connection."""
        await asyncio.sleep(self.connect_timeout_s)
        if pc.connectionState != "connected" and not session.ended:
            logger.warning("session %s: the page never connected within %.0f s; ending it", session.id,
                           self.connect_timeout_s)
            await self.end_session(session, pc)

    def _wire(self, pc: RTCPeerConnection, session: LiveSession) -> None:
        clock = SessionClock()
        audio_tracks = 0

        @pc.on("datachannel")
        def on_datachannel(channel) -> None:
            if channel.label != "indicators":
                return
            listener = _channel_listener(channel)
            listener(checks_message(session.options, session.inputs))
            session.add_listener(listener)
            channel.on("close", lambda: session.remove_listener(listener))

            @channel.on("message")
            def on_message(text) -> None:
                kind = _message_type(text)
                if kind == "stop":
                    # The page closes the connection once the summary has reached it.
                    self._end_soon(session, None)
                elif kind == "challenge":
                    session.request_challenge()

        @pc.on("track")
        def on_track(track) -> None:
            nonlocal audio_tracks
            receiver = next((t.receiver for t in pc.getTransceivers() if t.receiver.track is track), None)
            reports = SenderReports(receiver) if receiver is not None else None
            number = 0
            if track.kind == "audio":
                number, audio_tracks = audio_tracks, audio_tracks + 1
                if number > 1:
                    return  # a third audio track has no role
            self.keep(asyncio.ensure_future(pump_track(track, session, clock, number, reports)))

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc.connectionState in ("failed", "closed") and not session.ended:
                self._end_soon(session, pc if pc.connectionState == "failed" else None)

    def session_inputs(self, params: dict, folder: Path) -> SessionInputs:
        """The agent's inputs with what the page sent (profile, reference photo, consent) and the candidate's
        earlier rounds. Blocking (parsing, a face model, the store): run it off the event loop."""
        inputs = self.inputs
        profile = _upload(params.get("profile"), folder, "profile")
        if profile is not None:
            from interview_guard.profile.load import load_profile

            load_profile(profile)  # a malformed profile is refused now, with its reason
            inputs = replace(inputs, profile=str(profile))
        reference = _upload(params.get("reference"), folder, "reference")
        if reference is not None:
            inputs = replace(inputs, references=(str(reference),))
            from interview_guard.identity.reference import load_references

            load_references((str(reference),))  # no face in the photo: refused now
        if self.store is not None:
            from interview_guard.store.identity import with_continuity

            consent = str(params.get("consent") or "")[:500] or self.consent_by
            inputs = with_continuity(self.store, inputs, self.candidate, consent)
        return inputs

    async def current_session(self, request: web.Request) -> web.Response:
        s = self.current
        return web.json_response(None if s is None else {"session": s.id, "state": s.state, "source": s.source,
                                                         "ended": s.ended})

    async def stop_session(self, request: web.Request) -> web.Response:
        session = self._session(request)
        await self.end_session(session)
        return web.json_response({"session": session.id, "ended": True, "error": session.error or None})

    async def mark_follow_up(self, request: web.Request) -> web.Response:
        session = self._session(request)
        try:
            state = (await request.json())["state"]
        except (json.JSONDecodeError, KeyError, TypeError, IndexError, ValueError, RecursionError):
            return _error(400, 'expected JSON {"state": "asked" | "answered"}')
        try:  # the journal is written as the mark is taken: off the event loop
            f = await asyncio.get_running_loop().run_in_executor(None, session.mark_follow_up,
                                                                 request.match_info["follow_up"], state)
        except UnknownFollowUp as e:
            return _error(404, str(e))
        except FollowUpsClosed as e:
            return _error(409, str(e))
        except FollowUpError as e:
            return _error(400, str(e))
        return web.json_response(f.to_dict())

    async def events(self, request: web.Request) -> web.StreamResponse:
        session = self._session(request)
        queue: asyncio.Queue[Message] = asyncio.Queue(maxsize=_EVENT_QUEUE)
        loop = asyncio.get_running_loop()

        def listener(message: Message) -> None:
            loop.call_soon_threadsafe(_put_latest, queue, message)

        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)
        session.add_listener(listener)  # it queues what it is given: the checks below go out first
        try:
            await response.write(_event(checks_message(session.options, session.inputs)))
            while True:
                message = await queue.get()
                await response.write(_event(message))
                if message.get("type") == "state" and message.get("state") in ("ended", "failed"):
                    break
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            session.remove_listener(listener)
        return response

    async def session_file(self, request: web.Request) -> web.FileResponse:
        session = self._session(request)
        name = request.match_info["name"]
        path = session.folder / name
        if name not in _SESSION_FILES or not path.exists():
            raise web.HTTPNotFound(text=f"{name}: not written yet for session {session.id}")
        return web.FileResponse(path)

    async def evidence(self, request: web.Request) -> web.FileResponse:
        session = self._session(request)
        name = request.match_info["name"]
        path = session.folder / "evidence" / name
        if "/" in name or not name.endswith(".jpg") or not path.exists():
            raise web.HTTPNotFound(text=f"no evidence picture {name}")
        return web.FileResponse(path)

    def _session(self, request: web.Request) -> LiveSession:
        """The live session the URL names; else a 404 with the JSON {error} every live endpoint answers."""
        session = self.sessions.get(request.match_info["id"])
        if session is None:
            raise web.HTTPNotFound(text=json.dumps({"error": f"no live session {request.match_info['id']} in this run"}),
                                   content_type="application/json")
        return session

    async def shutdown(self, app: web.Application) -> None:
        for session in list(self.sessions.values()):
            if not session.ended:
                await self.end_session(session)
        await asyncio.gather(*(pc.close() for pc in self._pcs), return_exceptions=True)
        self._pcs.clear()


def checks_message(options: AnalysisOptions, inputs: SessionInputs | None = None) -> Message:
    """The checks a session with these settings and inputs runs, in the registry's order."""
    return {"type": "checks", "checks": list(checks_run(options, inputs if inputs is not None else SessionInputs()))}


def _event(message: Message) -> bytes:
    return f"data: {json.dumps(message, default=str)}\n\n".encode()


def _channel_listener(channel):
    """Sends from any thread through the event loop; drops updates a page cannot take in."""
    loop = asyncio.get_running_loop()

    def send_now(text: str) -> None:
        if channel.readyState == "open" and channel.bufferedAmount < _CHANNEL_BACKLOG:
            channel.send(text)

    def listener(message: Message) -> None:
        loop.call_soon_threadsafe(send_now, json.dumps(message, default=str))

    return listener


def _put_latest(queue: asyncio.Queue, message: Message) -> None:
    if queue.full():
        queue.get_nowait()  # a watcher that cannot keep up misses the oldest update, never stalls us
    queue.put_nowait(message)


def _message_type(text) -> str:
    try:
        return str(json.loads(text).get("type", ""))
    except (json.JSONDecodeError, AttributeError, TypeError):
        return ""


def _upload(field, folder: Path, stem: str) -> Path | None:
    """A {name, data: base64} upload written into the session folder, keeping its extension."""
    if not field:
        return None
    if not isinstance(field, dict) or "data" not in field:
        raise UserError(f"{stem}: expected {{name, data}} with the file's bytes in base64")
    try:
        data = base64.b64decode(str(field["data"]).split(",")[-1], validate=True)
    except (binascii.Error, ValueError):
        raise UserError(f"{stem}: the file's data is not valid base64") from None
    if len(data) > _MAX_UPLOAD:
        raise UserError(f"{stem}: {len(data) // 1_000_000} MB is over the {_MAX_UPLOAD // 1_000_000} MB limit")
    suffix = Path(str(field.get("name", ""))).suffix.lower()[:8] or ".bin"
    path = folder / f"{stem}{suffix}"
    path.write_bytes(data)
    return path


def _error(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)
