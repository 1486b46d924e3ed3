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

from datasette.app import Datasette

from bench.common import ROOT, peak_rss_mb_self
from bench.search import PAGES, QUERIES


def datasette_for(path: str) -> Datasette:
    metadata = json.loads((ROOT / "datasette_metadata.json").read_text())
    return Datasette(
        [path],
        metadata=metadata,
        template_dir=str(ROOT / "templates"),
        settings={
            "sql_time_limit_ms": 1500,
            "facet_time_limit_ms": 500,
            "allow_download": False,
            "default_cache_ttl": 300,
        },
    )


async def run(path: str, samples: int) -> dict:
    datasette = datasette_for(path)
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
