"""Figure 2: crawl throughput with politeness off, against parsing without Scrapy.

The real Scrapy engine, downloader and settings (politeness off: no delay, no
AutoThrottle, 16 concurrent requests per host; no pipelines) fetch every generated debate
from a local server and parse each with `parse_debate`, in a subprocess. The baseline is
`parse_debate` over the same bytes in a plain loop. The ratio is crawl time over parse
time: Scrapy's overhead. Both are measured `runs` times in alternating order; the figure
is the median with min and max. Every debate must be crawled, or the figure fails.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from bench.common import PYTHON, ROOT, Figure, Scale, alternating, data_dir, from_runs
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


def crawl_seconds(base_url: str, ids_path: Path, settings: dict[str, str]) -> tuple[float, int]:
    """(seconds from engine start to spider close, items) of one crawl in a subprocess."""
    command = [PYTHON, "-m", "bench.crawl_child", base_url, str(ids_path)]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["seconds"], result["items"]


def measure(
    scale: Scale, runs: int | None = None, settings: dict[str, str] | None = None
) -> list[Figure]:
    """Figure 2, `runs` times in alternating order (`settings` plant a regression in the
    tests: politeness left on, say)."""
    folder = data_dir(scale, "debates")
    ids = write_debates(folder, scale.crawl_debates, 20)
    bodies = [(folder / f"{ext_id}.json").read_bytes() for ext_id in ids]
    problems: list[str] = []

    def parse_rate() -> float:
        start = time.perf_counter()
        for body in bodies:
            parse_debate(body)
        return len(ids) / (time.perf_counter() - start)

    with BenchServer(serve_folder(folder)) as server:

        def crawl_rate() -> float:
            seconds, items = crawl_seconds(server.base_url, folder / "ids.json", settings or {})
            if items != len(ids):
                problems.append(f"crawled {items} of {len(ids)} debates")
            return len(ids) / seconds

        values, baselines = alternating(crawl_rate, parse_rate, runs or scale.runs)
    return [
        from_runs(
            f"2 crawl throughput ({len(ids):,} debates, politeness off)",
            values,
            baselines,
            unit="responses/s",
            baseline_label="parse_debate over the same bytes, no Scrapy",
            target=f"Scrapy overhead (crawl time / parse time) < {TARGET:g}x",
            met=lambda _value, overhead: overhead < TARGET,
            ratio_of=lambda rate, parse: parse / rate,
            problems=list(dict.fromkeys(problems)),
        )
    ]
