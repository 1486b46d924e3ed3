"""Datasette plugin: bounds on what one request may ask of the public site.

A stranger on the open web can send anything. Before a request reaches Datasette:
- an over-long query string or an over-long search is refused with 400: the cost of
  full-text search and its snippets grows with the query, and SQLite's time limit cannot
  interrupt a snippet being made; NUL characters are taken out of the query string, so
  no page ever sees one;
- Datasette's introspection pages (`/-/versions`, `/-/databases`, `/-/threads`, ...),
  which say how the server is built and where its files are, answer 404; its static
  assets stay;
- expensive requests (Datasette's table, query and export pages, and searches) run at
  most `EXPENSIVE_AT_ONCE` at a time, so slow requests never hold every SQL thread and
  the campaign pages and embeds always have one free; a request that cannot start within
  `EXPENSIVE_WAIT_SECONDS` is answered 503 with Retry-After;
- a page is answered 304 when the browser or a cache already has it (an ETag made from
  the database's last write, today's date and the request), and every page says how long
  it may be kept, so a crowd sent by a share on social media is served from caches.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from datasette import hookimpl

from timeline_site.exports import INTERNAL_HEADER, INTERNAL_TOKEN
from timeline_site.headers import security_headers

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[dict[str, Any], Receive, Send], Awaitable[None]]

MAX_QUERY_STRING_BYTES = 2048
MAX_VALUE_CHARS = 500
#: Longer searches are refused, not cut: a cut query would answer a different question.
MAX_SEARCH_CHARS = 200
SEARCH_PARAMETERS = ("q", "_search")
EXPENSIVE_AT_ONCE = 2
EXPENSIVE_WAIT_SECONDS = 5.0
#: `/-/` pages a reader's browser needs; every other one is introspection.
PUBLIC_DASH_PATHS = ("/-/static/", "/-/static-plugins/")
#: Seconds a browser or cache may keep a page before asking again (with its ETag).
CACHE_SECONDS = {"/embed/": 300, "/campaign/": 300, "/timeline/": 300, "/status": 60}
DEFAULT_CACHE_SECONDS = 300
#: Made once per process: a new release changes every ETag.
_RELEASE = os.urandom(8).hex()


def refusal(query_string: bytes) -> str | None:
    """Why a query string asks too much, or None when it is fine."""
    if len(query_string) > MAX_QUERY_STRING_BYTES:
        return f"the address is longer than {MAX_QUERY_STRING_BYTES} characters"
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        searching = name in SEARCH_PARAMETERS or name.startswith("_search_")
        if searching and len(value) > MAX_SEARCH_CHARS:
            return f"a search may be at most {MAX_SEARCH_CHARS} characters long"
        if len(value) > MAX_VALUE_CHARS:
            return f"the value of {name!r} is longer than {MAX_VALUE_CHARS} characters"
    return None


def without_nul(query_string: bytes) -> bytes:
    """The query string without NUL characters, which SQLite and FTS5 read as the end
    of a string: a search for `a%00b` is a search for `a b`."""
    return re.sub(rb"%00|\x00", b" ", query_string)


def is_introspection(path: str) -> bool:
    return path.startswith("/-/") and not path.startswith(PUBLIC_DASH_PATHS)


def is_expensive(path: str, query_string: bytes) -> bool:
    """Datasette's own pages of the database (tables, queries, exports) and searches."""
    if path.startswith(("/timeline/", "/search")) or path in ("/timeline", "/timeline.json"):
        return True
    return path.startswith("/campaign/") and b"q=" in query_string


def etag_for(scope: dict[str, Any], db_files: list[Path]) -> str:
    """What a page depends on: the database's last write, today (upcoming events become
    past ones at midnight), this release, and the request itself."""
    stamps = [f"{p.stat().st_mtime_ns}" for p in db_files if p.exists()]
    key = "|".join(
        [_RELEASE, date.today().isoformat(), *stamps, scope["path"], scope["query_string"].decode()]
    )
    return '"' + hashlib.sha256(key.encode("latin-1", "replace")).hexdigest()[:32] + '"'


def cache_seconds(path: str) -> int:
    matching = (s for prefix, s in CACHE_SECONDS.items() if path.startswith(prefix))
    return next(matching, DEFAULT_CACHE_SECONDS)


async def answer(
    scope: dict[str, Any], send: Send, status: int, text: str, headers: list[tuple[bytes, bytes]]
) -> None:
    """A plain-text answer of the guard's own, with the site's safety headers."""
    safety = security_headers(scope["path"], scope["method"], None)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), *safety, *headers],
        }
    )
    await send({"type": "http.response.body", "body": text.encode("utf-8")})


class Guard:
    """The ASGI wrapper: refuse, limit, then pass on with caching headers."""

    def __init__(self, app: ASGIApp, db_files: list[Path]) -> None:
        self.app = app
        self.db_files = db_files
        self.expensive = asyncio.Semaphore(EXPENSIVE_AT_ONCE)

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = without_nul(scope.get("query_string", b""))
        scope = {**scope, "query_string": query}
        path = scope["path"]
        if is_introspection(path):
            await answer(scope, send, 404, "Not found.", [])
            return
        reason = refusal(query)
        if reason:
            await answer(scope, send, 400, f"This address asks for too much: {reason}.", [])
            return
        etag = etag_for(scope, self.db_files)
        if scope["method"] in ("GET", "HEAD") and etag in _if_none_match(scope):
            await answer(scope, send, 304, "", [(b"etag", etag.encode())])
            return
        send = self.with_cache_headers(send, path, etag)
        if not is_expensive(path, query) or _is_internal(scope):
            await self.app(scope, receive, send)
            return
        try:
            await asyncio.wait_for(self.expensive.acquire(), EXPENSIVE_WAIT_SECONDS)
        except TimeoutError:
            busy = "The site is busy: try again shortly."
            await answer(scope, send, 503, busy, [(b"retry-after", b"5")])
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.expensive.release()

    def with_cache_headers(self, send: Send, path: str, etag: str) -> Send:
        async def send_with_cache_headers(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                names = {b"cache-control", b"etag"}
                kept = [(n, v) for n, v in message.get("headers", []) if n.lower() not in names]
                cache = f"public, max-age={cache_seconds(path)}".encode()
                added = [(b"cache-control", cache), (b"etag", etag.encode())]
                message = {**message, "headers": [*kept, *added]}
            await send(message)

        return send_with_cache_headers


def _is_internal(scope: dict[str, Any]) -> bool:
    """The site's own request for the JSON behind a CSV export, already counted."""
    headers = dict(scope.get("headers") or [])
    return headers.get(INTERNAL_HEADER.encode()) == INTERNAL_TOKEN.encode()


def _if_none_match(scope: dict[str, Any]) -> list[str]:
    headers = dict(scope.get("headers") or [])
    value = headers.get(b"if-none-match", b"").decode("latin-1")
    return [tag.strip() for tag in value.split(",") if tag.strip()]


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[ASGIApp], ASGIApp]:
    files = [Path(db.path) for db in datasette.databases.values() if db.path]
    db_files = [*files, *(Path(f"{f}-wal") for f in files)]

    def wrap(app: ASGIApp) -> ASGIApp:
        return Guard(app, db_files)

    return wrap
