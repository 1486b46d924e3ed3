"""Datasette plugin: response headers that make the site safe on the open web.

- Only `/embed/...` may be framed by other sites (that is what it is for); every other
  page refuses framing, so the site cannot be used for clickjacking.
- JSON answers GET requests from other origins (CORS) so campaign sites can fetch it;
  the allowed origins are configurable with CORS_ALLOWED_ORIGINS (comma-separated, or
  `*`, the default: the data is public).
- Browsers are told not to guess content types.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

from datasette import hookimpl

EMBED_PREFIX = "/embed/"


def allowed_origin(origin: str | None, configured: str) -> str | None:
    """The value for Access-Control-Allow-Origin, or None to send no CORS header."""
    allowed = [value.strip() for value in configured.split(",") if value.strip()]
    if "*" in allowed:
        return "*"
    return origin if origin in allowed else None


def security_headers(path: str, method: str, origin: str | None) -> list[tuple[bytes, bytes]]:
    headers = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
    if path.startswith(EMBED_PREFIX):
        ancestors = os.environ.get("EMBED_FRAME_ANCESTORS", "*")
        headers.append((b"content-security-policy", f"frame-ancestors {ancestors}".encode()))
    else:
        headers += [
            (b"x-frame-options", b"DENY"),
            (b"content-security-policy", b"frame-ancestors 'none'"),
        ]
    if method in ("GET", "HEAD") and (path.endswith(".json") or path.endswith(".ics")):
        value = allowed_origin(origin, os.environ.get("CORS_ALLOWED_ORIGINS", "*"))
        if value:
            headers.append((b"access-control-allow-origin", value.encode()))
            if value != "*":
                headers.append((b"vary", b"Origin"))
    return headers


Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[dict[str, Any], Receive, Send], Awaitable[None]]


@hookimpl
def asgi_wrapper() -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        async def with_headers(scope: dict[str, Any], receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            request_headers = dict(scope.get("headers") or [])
            origin = request_headers.get(b"origin")
            extra = security_headers(
                scope["path"], scope["method"], origin.decode("latin-1") if origin else None
            )

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    names = {name for name, _ in extra}
                    kept = [(n, v) for n, v in message.get("headers", []) if n.lower() not in names]
                    message = {**message, "headers": kept + extra}
                await send(message)

            await app(scope, receive, send_with_headers)

        return with_headers

    return wrap
