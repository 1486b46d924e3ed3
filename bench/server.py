"""A fast local server for the crawl benchmarks: HTTP/1.1 keep-alive, answers from a
function, counts every request. Runs in the benchmark's own process, on its own threads,
while the crawler runs in a subprocess."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: path with query -> (status, content type, body)
Answer = Callable[[str], tuple[int, str, bytes]]


class BenchServer:
    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def __enter__(self) -> BenchServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def count(self) -> int:
        """Requests so far, robots.txt aside."""
        with self._lock:
            return sum(1 for path in self.requests if path != "/robots.txt")

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with server._lock:
                    server.requests.append(self.path)
                try:
                    status, content_type, body = server.answer(self.path)
                except Exception as error:  # a bug in the benchmark: say so, don't hang
                    status, content_type, body = 500, "text/plain", repr(error).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args) -> None:
                pass

        return Handler
