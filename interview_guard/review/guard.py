"""Requests from other web pages are refused. The server runs on the interviewer's own machine, and any page
open in their browser can send requests to 127.0.0.1: a cross-origin form or text/plain POST needs no CORS
preflight, and a rebound DNS name (attacker.example -> 127.0.0.1) makes the browser treat this server as
that site. So, on a loopback bind only local host names are served, and a request that changes anything
must come from this app's own pages (its Origin and Sec-Fetch-Site say so) and carry JSON or a file upload,
never a form or plain text. Scripts (curl, the tests) send no Origin and pass."""

from __future__ import annotations

import ipaddress
import json
from urllib.parse import urlsplit

from aiohttp import web

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
# What a cross-site page can send without a CORS preflight, besides multipart (which the pages' uploads use
# and which a foreign page cannot send without its Origin).
_FORM_TYPES = frozenset({"text/plain", "application/x-www-form-urlencoded"})


@web.middleware
async def same_origin_only(request: web.Request, handler):
    refusal = refusal_for(request)
    if refusal:
        status, reason = refusal
        return web.json_response({"error": reason}, status=status)
    return await handler(request)


def refusal_for(request: web.Request) -> tuple[int, str] | None:
    """(status, reason) when the request is refused, else None."""
    host = _hostname(request.host)
    if _served_on_loopback(request) and not _is_local_name(host):
        return 403, (f"this server answers to localhost and 127.0.0.1 only, not {host[:100]!r}: open "
                     f"http://127.0.0.1:{_port(request)}/")
    if request.method in SAFE_METHODS:
        return None
    origin = request.headers.get("Origin")
    if origin is not None and not _same_origin(origin, request):
        return 403, "a request from another web page was refused: open this app's own page to make changes"
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return 403, "a request from another web page was refused: open this app's own page to make changes"
    content_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type in _FORM_TYPES:
        return 415, "send the request body as JSON (Content-Type: application/json)"
    return None


async def json_body(request: web.Request) -> object:
    """The request's JSON, or a 400 with the reason: bad JSON, too deeply nested, numbers too long."""
    try:
        return await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _bad("expected a JSON object") from None
    except RecursionError:
        raise _bad("the JSON is nested too deeply") from None
    except ValueError:  # an integer of more digits than Python converts
        raise _bad("the JSON holds a number too long to read") from None


def _bad(reason: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": reason}), content_type="application/json")


def _same_origin(origin: str, request: web.Request) -> bool:
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False  # "null" (a sandboxed frame, a file) is never this app
    mine = urlsplit(f"{request.scheme}://{request.host}")
    return (parts.hostname.lower(), parts.port or _default_port(parts.scheme)) == \
        ((mine.hostname or "").lower(), mine.port or _default_port(mine.scheme))


def _served_on_loopback(request: web.Request) -> bool:
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    if not sockname:
        return True  # unknown (a test transport): judge as the default, local bind
    try:
        return ipaddress.ip_address(sockname[0]).is_loopback
    except ValueError:
        return False


def _is_local_name(host: str) -> bool:
    return host in LOCAL_NAMES or host.endswith(".localhost")


def _hostname(host_header: str) -> str:
    parts = urlsplit(f"//{host_header}")
    return (parts.hostname or "").lower()


def _port(request: web.Request) -> int:
    return urlsplit(f"//{request.host}").port or _default_port(request.scheme)


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80
