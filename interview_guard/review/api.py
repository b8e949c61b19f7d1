"""The review app's HTTP API and pages (aiohttp), on the same server as live mode.

Every store call runs in a worker thread (the database blocks); every error is JSON {error} with a
4xx status; reads of a session, exports, decisions and purges go to the audit log.
The API is described in openapi.py (GET /api/openapi.json).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from aiohttp import web

from interview_guard.review.auth import AUTHENTICATED
from interview_guard.review.guard import json_body
from interview_guard.review.openapi import openapi_document
from interview_guard.store import DECISIONS, SessionNotFound, SessionQuery, SessionRunning, Store, StoreError
from interview_guard.store.records import decision_dict, sessions_csv

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
_MAX_NOTE = 4000


class ReviewApp:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/review", self.page)
        app.router.add_get("/review/{id}", self.page)
        app.router.add_static("/review-static/", STATIC)
        app.router.add_get("/api/openapi.json", self.openapi)
        app.router.add_get("/api/sessions", self.list_sessions)
        app.router.add_get("/api/sessions.csv", self.list_csv)
        app.router.add_get("/api/sessions/{id}", self.session)
        app.router.add_delete("/api/sessions/{id}", self.purge)
        app.router.add_get("/api/sessions/{id}/export", self.export)
        app.router.add_get("/api/sessions/{id}/report", self.report)
        app.router.add_get("/api/sessions/{id}/evidence/{name}", self.evidence)
        app.router.add_post("/api/sessions/{id}/decision", self.decide)
        app.router.add_get("/api/sessions/{id}/audit", self.session_audit)
        app.router.add_get("/api/audit", self.audit)

    async def _run(self, fn, *args, **kwargs):
        return await asyncio.get_running_loop().run_in_executor(None, functools.partial(fn, *args, **kwargs))

    # ------------------------------------------------------------ pages

    async def page(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "review.html")

    async def openapi(self, request: web.Request) -> web.Response:
        return web.json_response(openapi_document())

    # ------------------------------------------------------------ sessions

    async def list_sessions(self, request: web.Request) -> web.Response:
        query = _query(request)
        records, total = await self._run(self._listing, query)
        return web.json_response({"sessions": records, "total": total, "limit": query.limit,
                                  "offset": query.offset})

    def _listing(self, query: SessionQuery) -> tuple[list[dict], int]:
        return [r.to_dict() for r in self.store.list_sessions(query)], self.store.count_sessions(query)

    async def list_csv(self, request: web.Request) -> web.Response:
        records, _ = await self._run(self._listing, _query(request))
        return web.Response(text=sessions_csv(records), content_type="text/csv",
                            headers={"Content-Disposition": 'attachment; filename="sessions.csv"'})

    async def session(self, request: web.Request) -> web.Response:
        sid = request.match_info["id"]
        detail = await self._run(self.store.session_detail, sid)
        detail["audit"] = [e.to_dict() for e in await self._run(self.store.audit_log, sid)]
        return web.json_response(detail)

    async def export(self, request: web.Request) -> web.Response:
        sid = request.match_info["id"]
        data = await self._run(self.store.export, sid)
        await self._run(self.store.audit, _actor(request), "export", sid, "JSON via the review app")
        return web.json_response(data, dumps=functools.partial(json.dumps, ensure_ascii=False),
                                 headers={"Content-Disposition": f'attachment; filename="{sid}.json"'})

    async def report(self, request: web.Request) -> web.FileResponse:
        folder = await self._run(self.store.session_folder, request.match_info["id"])
        if folder is None or not (folder / "report.html").exists():
            raise _not_found("this session has no report yet (it is still running, or it failed)")
        return web.FileResponse(folder / "report.html")

    async def evidence(self, request: web.Request) -> web.FileResponse:
        path = await self._run(self.store.evidence_path, request.match_info["id"], request.match_info["name"])
        if path is None or not path.exists():
            raise _not_found(f"no evidence picture {request.match_info['name']!r} for this session")
        return web.FileResponse(path, headers={"Content-Type": "image/jpeg"})

    async def decide(self, request: web.Request) -> web.Response:
        sid = request.match_info["id"]
        body = await _json_object(request)
        decision, note, reviewer = body.get("decision"), body.get("note", ""), body.get("reviewer", "")
        if decision not in DECISIONS:
            raise _bad(f"decision must be one of {', '.join(DECISIONS)}")
        if not isinstance(note, str) or not isinstance(reviewer, str) or len(note) > _MAX_NOTE or len(reviewer) > 200:
            raise _bad(f"note and reviewer must be text (note up to {_MAX_NOTE} characters, reviewer up to 200)")
        recorded = await self._run(self.store.record_decision, sid, decision, note, reviewer or _actor(request))
        return web.json_response(decision_dict(recorded), status=201)

    async def purge(self, request: web.Request) -> web.Response:
        sid = request.match_info["id"]
        result = await self._run(self.store.purge, [sid], _actor(request))
        return web.json_response({"sessions": result.sessions, "files": result.files,
                                  "candidates": result.candidates})

    async def session_audit(self, request: web.Request) -> web.Response:
        sid = request.match_info["id"]
        await self._run(self.store.get_session, sid)
        return web.json_response([e.to_dict() for e in await self._run(self.store.audit_log, sid)])

    async def audit(self, request: web.Request) -> web.Response:
        limit = _int(request, "limit", 200, 1, 1000)
        return web.json_response([e.to_dict() for e in await self._run(self.store.audit_log, None, limit)])


@web.middleware
async def json_errors(request: web.Request, handler):
    """Store errors (an unknown id) and bad parameters as JSON {error}; anything else is logged as a bug."""
    try:
        return await handler(request)
    except SessionNotFound as e:
        return web.json_response({"error": e.public}, status=404)
    except SessionRunning as e:
        return web.json_response({"error": str(e)}, status=409)
    except StoreError as e:
        return web.json_response({"error": str(e)}, status=400)
    except web.HTTPException as e:
        if e.status >= 400 and request.path.startswith("/api/") and e.content_type != "application/json":
            # Keep what the answer must carry (405's Allow); the body becomes JSON.
            headers = {k: v for k, v in e.headers.items() if k.lower() in ("allow", "www-authenticate")}
            return web.json_response({"error": e.text or e.reason}, status=e.status, headers=headers)
        raise


def _query(request: web.Request) -> SessionQuery:
    q = request.query
    try:
        return SessionQuery(text=q.get("q", "")[:200], risk_level=q.get("risk", ""), check=q.get("check", "")[:64],
                            status=q.get("status", ""), since=_day(q.get("since")), until=_day(q.get("until")),
                            sort=q.get("sort", "started"), descending=q.get("order", "desc") != "asc",
                            limit=_int(request, "limit", 100, 1, 1000), offset=_int(request, "offset", 0, 0, 10**9))
    except ValueError as e:
        raise _bad(str(e)) from None


def _day(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        day = datetime.fromisoformat(text)
    except ValueError:
        raise _bad(f"{text!r} is not a date like 2026-11-23") from None
    return day if day.tzinfo else day.replace(tzinfo=timezone.utc)


def _int(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    text = request.query.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise _bad(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise _bad(f"{name} must be between {low} and {high}")
    return value


async def _json_object(request: web.Request) -> dict[str, Any]:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise _bad("expected a JSON object")
    return body


def _actor(request: web.Request) -> str:
    return "token holder" if request.get(AUTHENTICATED) else "local user"


def _bad(reason: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": reason}), content_type="application/json")


def _not_found(reason: str) -> web.HTTPNotFound:
    return web.HTTPNotFound(text=json.dumps({"error": reason}), content_type="application/json")
