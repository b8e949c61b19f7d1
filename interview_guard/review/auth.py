"""Access: this machine needs no login; any other bind needs the token from config.toml.

A script sends `Authorization: Bearer TOKEN`; a browser opens any page once with `?token=TOKEN`, which
sets an HttpOnly cookie and redirects to the same page without it (so the token leaves the address bar).
"""

from __future__ import annotations

import hmac
import ipaddress

from aiohttp import web

from interview_guard.errors import UserError

COOKIE = "ig_token"
MIN_TOKEN_CHARS = 16
AUTHENTICATED = web.RequestKey("authenticated", bool)


def is_local(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_token_for(host: str, token: str, config_source: str) -> bool:
    """Whether requests need the token; refuses a non-local bind without one."""
    if is_local(host):
        return False
    if len(token.strip()) < MIN_TOKEN_CHARS or token != token.strip():
        problem = "no token is set" if not token.strip() else "the token is too short or has spaces at its ends"
        raise UserError(f"--host {host} makes the sessions reachable from the network and {problem}: set a token "
                        f"of {MIN_TOKEN_CHARS}+ characters under [server] token in {config_source} "
                        f"(`python -c 'import secrets; print(secrets.token_urlsafe(24))'`), or serve on 127.0.0.1")
    return True


def token_middleware(token: str):
    @web.middleware
    async def check_token(request: web.Request, handler):
        offered = request.query.get("token")
        if offered is not None and _same(offered, token):
            location = request.rel_url.with_query({k: v for k, v in request.query.items() if k != "token"})
            response = web.HTTPFound(location=str(location))
            response.set_cookie(COOKIE, token, httponly=True, samesite="Strict")
            raise response
        header = request.headers.get("Authorization", "")
        supplied = header[7:] if header.startswith("Bearer ") else request.cookies.get(COOKIE, "")
        if not _same(supplied, token):
            return web.json_response({"error": "a valid token is needed on this address: send Authorization: "
                                               "Bearer TOKEN, or open the page once with ?token=TOKEN"}, status=401)
        request[AUTHENTICATED] = True
        return await handler(request)

    return check_token


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
