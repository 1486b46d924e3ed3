"""`python -m bench.run [smoke|quick|full]` (or SCALE=...): every figure, one line each.

Prints one line per figure (value, baseline, ratio, target, met) and then
`bench: N/M targets met`; the query plans of the pages follow with `-v`.
Exit status 0 whatever the figures: a benchmark reports, it does not gate.
"""

from __future__ import annotations

import sys
import time

from bench import crawl, nightly, pipeline, search
from bench.common import PYTHON, ROOT, Figure, Scale, run_measured, scale_named

RSS_TARGET_MB = 500


def import_rss_mb() -> float:
    """Peak RSS of a Python process that only imports what the jobs import: the floor."""
    code = "import scrapy, datasette.app, pipelines.storage, pipelines.tagging, time"
    return run_measured([PYTHON, "-c", code + "; time.sleep(0.2)"], cwd=ROOT)[2]


def memory_figures(nightly_mb: float, datasette_mb: float, scale: Scale) -> list[Figure]:
    floor = import_rss_mb()
    return [
        Figure(
            name=f"5 peak RSS, {what}",
            value=mb,
            baseline=floor,
            unit="MB",
            baseline_label="python importing scrapy and datasette",
            target=f"< {RSS_TARGET_MB} MB",
            met=mb < RSS_TARGET_MB,
            ratio=mb / floor,
        )
        for what, mb in (
            (f"nightly job ({scale.instruments:,} instruments)", nightly_mb),
            (f"Datasette ({scale.events:,} events, after the figure 3 requests)", datasette_mb),
        )
    ]


def run(scale: Scale, verbose: bool = False, out=print) -> list[Figure]:
    figures: list[Figure] = []
    started = time.perf_counter()

    def report(new: list[Figure]) -> None:
        for figure in new:
            out(figure.line())
        figures.extend(new)

    out(f"bench: scale {scale.name}")
    report(pipeline.measure(scale))
    report(crawl.measure(scale))
    search_figures, search_details = search.measure(scale)
    report(search_figures)
    nightly_figures, nightly_details = nightly.measure(scale)
    report(nightly_figures)
    report(
        memory_figures(nightly_details["nightly_rss_mb"], search_details["datasette_rss_mb"], scale)
    )
    if verbose or search_details["scans"]:
        out(f"query plans (database built in {search_details['build_seconds']:.0f} s):")
        for line in search_details["plans"]:
            out("  " + line)
    for scan in search_details["scans"]:
        out(f"FULL SCAN: {scan}")
    met = sum(figure.met for figure in figures)
    out(f"bench: took {time.perf_counter() - started:.0f} s")
    out(f"bench: {met}/{len(figures)} targets met")
    return figures


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    run(scale_named(args[0] if args else None), verbose="-v" in sys.argv[1:])


if __name__ == "__main__":
    main()
