"""Figure 4 (incremental nightly) and the nightly job's memory for figure 5.

`scrapy nightly --source legislation` runs twice, as the scheduler runs it, against a
local server playing legislation.gov.uk with `instruments` generated instruments (CLML)
listed by the title search's Atom feed, 20 to a page. The rules are data/campaigns.yml
with that search. The second run finds the sources unchanged. Figure: requests of the
second run as a ratio of the first's (wall time too). Each run's peak RSS comes from
wait4() on its process.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from bench.common import PYTHON, ROOT, Figure, Scale, run_measured
from bench.generate import FEED_PAGE_SIZE, atom_page, clml, instrument_ids
from bench.server import BenchServer
from tests.support.crawl import BASE_URL_SETTINGS, TEST_SETTINGS

TARGET = 0.05
TRACKED = ["uksi/2016/808", "uksi/2017/807"]
_INSTRUMENT = re.compile(r"^/(uksi/\d{4}/\d+)/made/data\.xml$")
EMPTY_FEED = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Changes</title></feed>'
)
_FEED = re.compile(r"^/uksi(?:/(\d{4}))?/data\.feed$")


def legislation_site(count: int):
    ids = instrument_ids(count)
    known = set(ids) | set(TRACKED)

    def answer(path: str) -> tuple[int, str, bytes]:
        parts = urlsplit(path)
        match = _INSTRUMENT.match(parts.path)
        if match and match.group(1) in known:
            return 200, "application/xml", clml(match.group(1))
        match = _FEED.match(parts.path)
        if match:
            query = dict(parse_qsl(parts.query))
            listed = [i for i in ids if match.group(1) in (None, i.split("/")[1])]
            if not listed:
                return 404, "text/plain", b"no results"
            pages = max(1, -(-len(listed) // FEED_PAGE_SIZE))
            page = int(query.get("page", "1"))
            chunk = listed[(page - 1) * FEED_PAGE_SIZE : page * FEED_PAGE_SIZE]
            return 200, "application/atom+xml", atom_page(chunk, page, pages, parts.path)
        if parts.path.startswith("/changes/"):
            # Changes feeds (what an instrument amends, and what amends it): none here.
            return 200, "application/atom+xml", EMPTY_FEED
        return 404, "text/plain", b"not found"

    return answer


def run_nightly(db: Path, base_url: str) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, output) of one `scrapy nightly --source legislation`."""
    env = {**os.environ, "TIMELINE_DB": str(db), "PROGRESS_INTERVAL": "0"}
    env.update({name: base_url for name in BASE_URL_SETTINGS})
    command = [PYTHON, "-m", "scrapy.cmdline", "nightly", "--source", "legislation"]
    for name, value in {**TEST_SETTINGS, "CONCURRENT_REQUESTS_PER_DOMAIN": "8"}.items():
        command += ["-s", f"{name}={value}"]
    returncode, output, peak_mb, seconds = run_measured(command, cwd=ROOT, env=env)
    if returncode != 0:
        raise RuntimeError(f"scrapy nightly failed ({returncode}):\n{output[-3000:]}")
    return seconds, peak_mb, output


def measure(scale: Scale) -> tuple[list[Figure], dict]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-nightly-"))
    try:
        db = tmp / "timeline.db"
        with BenchServer(legislation_site(scale.instruments)) as server:
            first_seconds, first_rss, first_output = run_nightly(db, server.base_url)
            first_requests = server.count()
            server.reset()
            second_seconds, second_rss, second_output = run_nightly(db, server.base_url)
            second_requests = server.count()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ratio = second_requests / first_requests
    figures = [
        Figure(
            name=f"4 incremental nightly requests ({scale.instruments:,} instruments;"
            f" wall time {second_seconds:.1f} s vs {first_seconds:.1f} s,"
            f" ratio {second_seconds / first_seconds:.2f})",
            value=second_requests,
            baseline=first_requests,
            unit="requests",
            baseline_label="first run",
            target="<= 0.05 of the first run's requests",
            met=ratio <= TARGET,
            ratio=ratio,
        )
    ]
    details = {
        "nightly_rss_mb": max(first_rss, second_rss),
        "outputs": [first_output, second_output],
    }
    return figures, details
