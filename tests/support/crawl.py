"""Run the real crawler, as the nightly job does, against a local server."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from timeline_spiders.sources import base_url_defaults

ROOT = Path(__file__).resolve().parents[2]
SCRAPY = [sys.executable, "-m", "scrapy.cmdline"]

#: Politeness off and retries immediate: tests must be fast, and never reach the internet.
TEST_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "RETRY_BACKOFF_BASE": "0",
    # A loaded machine must not make the local server look down; the tests of timeouts
    # set their own.
    "DOWNLOAD_TIMEOUT": "30",
    "LOG_LEVEL": "WARNING",
    # Tests run the job twice within seconds to see each source's incremental run; the
    # hourly schedule has its own test (tests/end_to_end/test_hourly_runs.py).
    "SOURCE_SCHEDULE": "every-run",
}
BASE_URL_SETTINGS = tuple(base_url_defaults())


@dataclass
class CrawlResult:
    returncode: int
    stdout: str
    stderr: str


def run_scrapy(
    *args: str,
    db: Path,
    base_url: str,
    settings: dict[str, str] | None = None,
    timeout: float = 120,
) -> CrawlResult:
    """Run `scrapy <args>` in the project, every source pointed at `base_url`."""
    env = {**os.environ, "TIMELINE_DB": str(db)}
    env.update({name: base_url for name in BASE_URL_SETTINGS})
    command = [*SCRAPY, *args]
    for name, value in {**TEST_SETTINGS, **(settings or {})}.items():
        command += ["-s", f"{name}={value}"]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    return CrawlResult(done.returncode, done.stdout, done.stderr)
