"""Datasette under load, in its own process: `python -m bench.search_child DB`.

Starts Datasette as bin/serve configures it (metadata, templates, plugins through entry
points, the same settings), warms it up, then times each request (BENCH_SAMPLES of each).
Prints one JSON line: latencies in ms per name, and this process's RSS before the
requests.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from urllib.parse import urlencode

from bench.common import peak_rss_mb_self
from bench.search import PAGES, QUERIES
from timeline_site.config import build_datasette


async def run(path: str, samples: int) -> dict:
    datasette = build_datasette(path)
    await datasette.invoke_startup()
    idle = peak_rss_mb_self()
    requests = {
        "search canned query": [
            "/timeline/search?" + urlencode({"q": QUERIES[n % len(QUERIES)]})
            for n in range(samples)
        ]
    }
    for name, url in PAGES.items():
        requests[name] = [url] * samples
    latencies: dict[str, list[float]] = {}
    for name, urls in requests.items():
        response = await datasette.client.get(urls[0])  # warm up
        assert response.status_code == 200, (urls[0], response.status_code, response.text[:500])
        times = []
        for url in urls:
            start = time.perf_counter()
            response = await datasette.client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        latencies[name] = times
    return {"latencies": latencies, "idle_rss_mb": idle}


def main() -> None:
    samples = int(os.environ.get("BENCH_SAMPLES", "20"))
    print(json.dumps(asyncio.run(run(sys.argv[1], samples))))


if __name__ == "__main__":
    main()
