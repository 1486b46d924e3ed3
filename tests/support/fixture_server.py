"""A local HTTP server that plays the official sources from fixture files.

Spiders are pointed at it through their base-URL settings. Each route answers from a
queue of responses (the last one repeats), which is how tests stage faults such as
"HTTP 500, then success". Every request is logged so tests can count them.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

CONTENT_TYPES = {
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}


def route_key(path_and_query: str) -> str:
    """Path plus sorted query, so `?b=1&a=2` and `?a=2&b=1` are the same route."""
    parts = urlsplit(path_and_query)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return parts.path + (f"?{query}" if query else "")


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def make_reply(
    fixture: str | None = None,
    *,
    body: bytes | str | None = None,
    status: int = 200,
    content_type: str | None = None,
    headers: dict[str, str] | None = None,
    delay: float = 0.0,
) -> Reply:
    """A reply from a fixture file (content type from its suffix) or from a literal body."""
    if fixture is not None:
        data = (FIXTURES / fixture).read_bytes()
        content_type = content_type or CONTENT_TYPES.get(Path(fixture).suffix)
    else:
        data = body.encode("utf-8") if isinstance(body, str) else (body or b"")
    reply_headers = {"Content-Type": content_type or "text/plain; charset=utf-8"}
    reply_headers.update(headers or {})
    return Reply(status, data, reply_headers, delay)


class FixtureServer:
    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        #: Routes that match a path and some of its query parameters, whatever the rest
        #: are (searches carry date windows that depend on today's date).
        self.partial_routes: list[tuple[str, dict[str, str], list[Reply]]] = []
        self.requests: list[str] = []
        #: When each request arrived (monotonic seconds) and its path, in order.
        self.arrivals: list[tuple[float, str]] = []
        #: What every path without a route of its own answers (None: 404 "not found").
        self.fallback: Reply | None = None
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FixtureServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add(self, path: str, fixture: str | None = None, **reply) -> FixtureServer:
        """Queue a reply for `path` (with query); several calls queue replies in order.

        The reply is a fixture file, or `body=` with `status=`, `content_type=`,
        `headers=` and `delay=` (seconds before answering).
        """
        with self._lock:
            self.routes.setdefault(route_key(path), []).append(make_reply(fixture, **reply))
        return self

    def add_matching(
        self, path: str, params: dict[str, str], fixture: str | None = None, **reply
    ) -> FixtureServer:
        """Queue a reply for `path` whenever its query has these `params` (others ignored).

        Exact routes (`add`) win over partial ones; among partial ones, the first added.
        """
        with self._lock:
            for route_path, route_params, queue in self.partial_routes:
                if route_path == path and route_params == params:
                    queue.append(make_reply(fixture, **reply))
                    return self
            self.partial_routes.append((path, dict(params), [make_reply(fixture, **reply)]))
        return self

    def replace(self, path: str, fixture: str | None = None, **kwargs) -> FixtureServer:
        """Drop what `path` answered before and answer this instead."""
        with self._lock:
            self.routes.pop(route_key(path), None)
        return self.add(path, fixture, **kwargs)

    def answer_everything_else(self, fixture: str | None = None, **reply) -> FixtureServer:
        """Answer every path that has no route of its own with this reply."""
        with self._lock:
            self.fallback = make_reply(fixture, **reply)
        return self

    def count(self, prefix: str = "") -> int:
        """How many requests were made to paths starting with `prefix` (robots.txt aside)."""
        with self._lock:
            return sum(1 for p in self.requests if p.startswith(prefix) and p != "/robots.txt")

    def _reply_for(self, path: str) -> Reply:
        with self._lock:
            self.requests.append(path)
            self.arrivals.append((time.monotonic(), path))
            queue = self.routes.get(route_key(path)) or self._partial_match(path)
            if not queue:
                return self.fallback or Reply(404, b"not found", {"Content-Type": "text/plain"})
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def _partial_match(self, path: str) -> list[Reply] | None:
        parts = urlsplit(path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        for route_path, params, queue in self.partial_routes:
            if route_path == parts.path and all(query.get(k) == v for k, v in params.items()):
                return queue
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                reply = server._reply_for(self.path)
                if reply.delay:
                    threading.Event().wait(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args) -> None:
                pass

        return Handler
