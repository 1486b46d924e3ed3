"""Figure 3's Datasette process: `python -m bench.pages_child DB RUNS SAMPLES`.

Configures Datasette as bin/serve does, measures every page of `bench/pages.py` and its
floor, and prints one JSON line of what `bench.pages.measure_pages` found.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from bench.pages import measure_pages, pages_for


def main() -> None:
    path, runs, samples = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    found = asyncio.run(measure_pages(path, pages_for(path), runs, samples))
    print(json.dumps(found))


if __name__ == "__main__":
    main()
