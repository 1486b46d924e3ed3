"""Figure 2: crawl throughput with politeness off, against parsing without Scrapy.

The real Scrapy engine, downloader and settings (politeness off: no delay, no
AutoThrottle, 16 concurrent requests per host; no pipelines) fetch every generated debate
from a local server and parse each with `parse_debate`, in a subprocess. The baseline is
`parse_debate` over the same bytes in a plain loop. The ratio is crawl time over parse
time: Scrapy's overhead.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from bench.common import PYTHON, ROOT, Figure, Scale, data_dir
from bench.generate import write_debates
from bench.server import BenchServer
from timeline_spiders.parsers.hansard import parse_debate

TARGET = 2.0


def serve_folder(folder: Path):
    def answer(path: str) -> tuple[int, str, bytes]:
        name = path.rsplit("/", 1)[-1]
        if path.startswith("/debates/debate/") and (folder / name).is_file():
            return 200, "application/json; charset=utf-8", (folder / name).read_bytes()
        return 404, "text/plain", b"not found"

    return answer


def measure(scale: Scale) -> list[Figure]:
    folder = data_dir(scale, "debates")
    ids = write_debates(folder, scale.crawl_debates, 20)
    bodies = [(folder / f"{ext_id}.json").read_bytes() for ext_id in ids]
    start = time.perf_counter()
    for body in bodies:
        parse_debate(body)
    parse_seconds = time.perf_counter() - start

    with BenchServer(serve_folder(folder)) as server:
        done = subprocess.run(
            [PYTHON, "-m", "bench.crawl_child", server.base_url, str(folder / "ids.json")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["items"] == len(ids), result
    rate, baseline_rate = len(ids) / result["seconds"], len(ids) / parse_seconds
    overhead = result["seconds"] / parse_seconds
    return [
        Figure(
            name=f"2 crawl throughput ({len(ids):,} debates, politeness off)",
            value=rate,
            baseline=baseline_rate,
            unit="responses/s",
            baseline_label="parse_debate over the same bytes, no Scrapy",
            target="Scrapy overhead (crawl time / parse time) < 2x",
            met=overhead < TARGET,
            ratio=overhead,
        )
    ]
