"""The site as the web process runs it: `bin/serve` on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.crawl import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the site did not start at {url}")


@contextmanager
def bin_serve(db: Path, **env: str) -> Iterator[str]:
    """`bin/serve` on `db` with `env` added to its environment; yields its base URL once
    it answers, and stops it afterwards."""
    port = free_port()
    environment = {**os.environ, "TIMELINE_DB": str(db), "HOST": "127.0.0.1", "PORT": str(port)}
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    process = subprocess.Popen(
        [str(ROOT / "bin" / "serve")],
        cwd=ROOT,
        env={**environment, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/robots.txt")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
