"""`python -m bench.run [smoke|quick|full] [-v] [--only=1,3,6]`: every figure, one line each.

Prints one line per figure (median value with min-max, baseline, ratio, target, met,
and why not) and then `bench: N/M targets met`; the query plans of the pages follow
with `-v`. `--only` runs some figures (5, memory, comes with whichever of 3, 4, 6 and 7
run). Exit status 0 whatever the figures: a benchmark reports, it does not gate.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from bench import crawl, load, nightly, pages, pipeline, retag
from bench.common import SCALES, Figure, Scale, scale_named

RSS_TARGET_MB = 300
FIGURES: tuple[str, ...] = ("1", "2", "3", "4", "6", "7")


def memory_figures(processes: list[tuple[str, float, float]]) -> list[Figure]:
    """Figure 5: each process's peak RSS against the size of the database it worked on."""
    return [
        Figure(
            name=f"5 peak RSS, {what}",
            value=mb,
            baseline=database_mb,
            unit="MB",
            baseline_label="size of the database it works on",
            target=f"< {RSS_TARGET_MB} MB",
            met=mb < RSS_TARGET_MB,
            ratio=mb / database_mb,
        )
        for what, mb, database_mb in processes
    ]


def run(
    scale: Scale, verbose: bool = False, only: tuple[str, ...] = FIGURES, out: Callable = print
) -> list[Figure]:
    figures: list[Figure] = []
    memory: list[tuple[str, float, float]] = []
    started = time.perf_counter()

    def report(new: list[Figure]) -> None:
        for figure in new:
            out(figure.line())
        figures.extend(new)

    out(f"bench: scale {scale.name}")
    if "1" in only:
        report(pipeline.measure(scale))
    if "2" in only:
        report(crawl.measure(scale))
    db = pages.database(scale) if {"3", "4", "6"} & set(only) else None
    if "3" in only:
        page_figures, details = pages.measure(scale)
        report(page_figures)
        memory.append(
            (
                f"Datasette, every figure 3 page ({scale.events:,} events)",
                details["datasette_rss_mb"],
                details["database_mb"],
            )
        )
        if verbose or any("scans" in p for f in page_figures for p in f.problems):
            out(f"query plans (database built in {details['build_seconds']:.0f} s):")
            for line in details["plans"]:
                out("  " + line)
    if "4" in only:
        assert db is not None
        night_figures, details = nightly.measure(scale)
        report(night_figures)
        small = [night.seconds[1] for night in details["nights"]]
        memory.append(("nightly job, figure 4", details["nightly_rss_mb"], details["database_mb"]))
        scale_figures, scale_details = nightly.measure_at_scale(scale, db, small)
        report(scale_figures)
        memory.append(
            (
                f"nightly job on the {scale.events:,}-event database",
                scale_details["nightly_scale_rss_mb"],
                db.stat().st_size / 1e6,
            )
        )
    if "6" in only:
        assert db is not None
        load_figures, details = load.measure(scale, db)
        report(load_figures)
        memory.append(
            (
                f"bin/serve after figure 6's crowd ({scale.events:,} events)",
                details["server_rss_mb"],
                db.stat().st_size / 1e6,
            )
        )
    if "7" in only:
        retag_figures, details = retag.measure(scale)
        report(retag_figures)
        memory.append(
            (
                f"scrapy retag ({scale.retag_events:,} items)",
                details["retag_rss_mb"],
                details["database_mb"],
            )
        )
    report(memory_figures(memory))
    met = sum(figure.met for figure in figures)
    out(f"bench: took {time.perf_counter() - started:.0f} s")
    out(f"bench: {met}/{len(figures)} targets met")
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description="Every figure, one line each (bench/README.md)."
    )
    parser.add_argument(
        "scale", nargs="?", type=str.lower, choices=SCALES, help="default: $SCALE, or quick"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print the pages' query plans")
    parser.add_argument(
        "--only",
        type=lambda value: tuple(value.split(",")),
        default=FIGURES,
        help="comma-separated figures, e.g. 1,3,6 (default: all)",
    )
    args = parser.parse_args(argv)
    if unknown := sorted(set(args.only) - set(FIGURES)):
        parser.error(f"no figure {', '.join(unknown)}; choose from {', '.join(FIGURES)}")
    run(scale_named(args.scale), verbose=args.verbose, only=args.only)


if __name__ == "__main__":
    main()
