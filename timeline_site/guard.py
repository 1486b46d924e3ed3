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
  `EXPENSIVE_WAIT_SECONDS` is answered 503 with Retry-After; its SQL runs on threads
  below the event loop's priority, the pages' on threads of their own (`sql_threads`);
- a page is answered 304 when the browser or a cache already has it (an ETag made from
  the database's last write, today's date and the request; or a Last-Modified date, the
  later of the last write, midnight and the server's start), and every page says how
  long it may be kept, so a crowd sent by a share on social media is served from caches;
- the pages such a crowd asks for (campaign pages, embeds, feeds, the front and status
  pages, instrument pages) are kept in a small in-process cache under that ETag, so the
  thousandth reader of an embed costs a dictionary lookup, not a render, even with no
  CDN in front; a write by the nightly job changes the ETag, so nothing stale is served.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from datasette import hookimpl

from timeline_site.exports import INTERNAL_HEADER, INTERNAL_TOKEN
from timeline_site.headers import security_headers
from timeline_site.sql_threads import EXPENSIVE

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
_STARTED = time.time()
#: The site's own Atom feeds, under Datasette's /timeline/ but bounded pages like the
#: campaign pages (at most `feeds.FEED_SIZE` entries), which feed readers poll.
FEEDS = re.compile(r"^/timeline/(campaign_feed|new_since)\.atom$")
#: Pages kept whole in memory under their ETag (what a crowd asks for), and the bounds
#: of that cache: a page over PAGE_BYTES is not kept; the least recently used go first.
CACHED_PAGES = re.compile(
    r"^/$|^/status$|^/campaign/[a-z0-9-]+(\.ics)?$|^/embed/[a-z0-9-]+$|^/si/[a-z]+/\d{4}/\d+$"
    rf"|{FEEDS.pattern}"
)
CACHE_BYTES = 16_000_000
PAGE_BYTES = 1_000_000


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
    """Datasette's own pages of the database (tables, queries, exports) and searches; not
    the site's feeds, though their addresses are under /timeline/."""
    if FEEDS.match(path):
        return False
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


def last_modified(db_files: list[Path]) -> float:
    """When what a page shows last changed, at the latest: the database's last write,
    midnight (upcoming events become past ones), or this release's start."""
    stamps = [p.stat().st_mtime for p in db_files if p.exists()]
    midnight = datetime.combine(date.today(), datetime.min.time()).timestamp()
    return float(int(max([*stamps, midnight, _STARTED])))


def not_modified(scope: dict[str, Any], etag: str, modified: float) -> bool:
    """Whether the client already has this page: its ETag, or (when it sends none) a
    date no earlier than the last change."""
    if scope["method"] not in ("GET", "HEAD"):
        return False
    headers = dict(scope.get("headers") or [])
    if b"if-none-match" in headers:
        return etag in _if_none_match(scope)
    since = headers.get(b"if-modified-since", b"").decode("latin-1")
    if not since:
        return False
    try:
        return parsedate_to_datetime(since).timestamp() >= modified
    except (TypeError, ValueError, OverflowError):
        return False


class PageCache:
    """Whole 200 responses under their ETag, least recently used dropped first."""

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.pages: OrderedDict[str, tuple[Message, bytes]] = OrderedDict()

    def get(self, etag: str) -> tuple[Message, bytes] | None:
        page = self.pages.get(etag)
        if page is not None:
            self.pages.move_to_end(etag)
        return page

    def put(self, etag: str, start: Message, body: bytes) -> None:
        if len(body) > PAGE_BYTES or etag in self.pages:
            return
        self.pages[etag] = (start, body)
        self.size += len(body)
        while self.size > self.max_bytes:
            _, (_, dropped) = self.pages.popitem(last=False)
            self.size -= len(dropped)

    def recording(self, etag: str, send: Send) -> Send:
        """`send`, keeping a copy of a 200 response to put under `etag` once complete."""
        start: Message | None = None
        parts: list[bytes] = []
        size = 0

        async def send_and_keep(message: Message) -> None:
            nonlocal start, size
            if message["type"] == "http.response.start":
                # A page that sets a cookie is one reader's, not everyone's.
                cookie = any(n.lower() == b"set-cookie" for n, _ in message.get("headers", []))
                start = message if message["status"] == 200 and not cookie else None
            elif message["type"] == "http.response.body" and start is not None:
                parts.append(message.get("body", b""))
                size += len(parts[-1])
                if size > PAGE_BYTES:
                    start = None
                elif not message.get("more_body", False):
                    self.put(etag, start, b"".join(parts))
            await send(message)

        return send_and_keep


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

    def __init__(self, app: ASGIApp, db_files: Callable[[], list[Path]]) -> None:
        self.app = app
        self.db_files = db_files
        self.expensive = asyncio.Semaphore(EXPENSIVE_AT_ONCE)
        self.cache = PageCache()

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
        db_files = self.db_files()
        etag = etag_for(scope, db_files)
        modified = last_modified(db_files)
        if not_modified(scope, etag, modified):
            await answer(scope, send, 304, "", [(b"etag", etag.encode())])
            return
        send = self.with_cache_headers(send, path, etag, modified)
        cacheable = scope["method"] == "GET" and bool(CACHED_PAGES.match(path))
        if cacheable and not is_expensive(path, query):
            cached = self.cache.get(etag)
            if cached is not None:
                start, body = cached
                await send(start)
                await send({"type": "http.response.body", "body": body})
                return
            send = self.cache.recording(etag, send)
        if not is_expensive(path, query) or _is_internal(scope):
            await self.app(scope, receive, send)
        else:
            await self.limited(scope, receive, send)

    async def limited(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        """An expensive request, when one of the EXPENSIVE_AT_ONCE places is free within
        EXPENSIVE_WAIT_SECONDS; otherwise 503 with Retry-After."""
        try:
            await asyncio.wait_for(self.expensive.acquire(), EXPENSIVE_WAIT_SECONDS)
        except TimeoutError:
            busy = "The site is busy: try again shortly."
            await answer(scope, send, 503, busy, [(b"retry-after", b"5")])
            return
        marked = EXPENSIVE.set(True)
        try:
            await self.app(scope, receive, send)
        finally:
            EXPENSIVE.reset(marked)
            self.expensive.release()

    def with_cache_headers(self, send: Send, path: str, etag: str, modified: float) -> Send:
        async def send_with_cache_headers(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                names = {b"cache-control", b"etag", b"last-modified"}
                kept = [(n, v) for n, v in message.get("headers", []) if n.lower() not in names]
                cache = f"public, max-age={cache_seconds(path)}".encode()
                added = [
                    (b"cache-control", cache),
                    (b"etag", etag.encode()),
                    (b"last-modified", formatdate(modified, usegmt=True).encode()),
                ]
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


def database_files(datasette: Any) -> list[Path]:
    """The files whose writes change what pages show: each database and its WAL."""
    files = [Path(db.path) for db in datasette.databases.values() if db.path]
    return [*files, *(Path(f"{f}-wal") for f in files)]


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        # Read at each request: Datasette makes its in-process client's app before the
        # timeline database is added (build_datasette), and that client must see it.
        return Guard(app, lambda: database_files(datasette))

    return wrap
