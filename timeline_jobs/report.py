"""How commands print what they did, for a person reading a terminal or a cron mail."""

from __future__ import annotations

from collections.abc import Iterable

from timeline_jobs.run_recorder import SourceRun

_COLUMNS = ("source", "status", "requests", "new", "changed", "unchanged", "stored", "errors")
MAX_ERRORS_SHOWN = 10


def format_run_report(runs: Iterable[SourceRun]) -> str:
    runs = list(runs)
    rows = [_COLUMNS] + [
        (
            run.source,
            "ok" if run.succeeded else "FAILED",
            str(run.requests),
            str(run.items_new),
            str(run.items_changed),
            str(run.items_unchanged),
            str(run.items_stored),
            str(len(run.errors)),
        )
        for run in runs
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
        cells += [cell.rjust(width) for cell, width in zip(row[2:], widths[2:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    for run in runs:
        for error in run.errors[:MAX_ERRORS_SHOWN]:
            lines.append(f"  {run.source}: {error['url']} -- {error['reason']}")
        if len(run.errors) > MAX_ERRORS_SHOWN:
            lines.append(f"  {run.source}: ... and {len(run.errors) - MAX_ERRORS_SHOWN} more")
        if run.finish_reason and run.finish_reason != "finished":
            lines.append(f"  {run.source}: crawl ended early ({run.finish_reason})")
    return "\n".join(lines)


def format_outcome(runs: Iterable[SourceRun], expected: Iterable[str], waiting: int = 0) -> str:
    """One sentence on the whole job: every source in `expected` succeeded, or which
    failed or never ran (a spider that could not even start leaves no run); and how many
    sources were not due this run."""
    runs = list(runs)
    expected = list(expected)
    ran = {run.source for run in runs}
    failed = [run.source for run in runs if not run.succeeded]
    failed += [source for source in expected if source not in ran]
    if not failed and waiting:
        return f"All {len(expected)} sources due succeeded; {waiting} were not due this run."
    if not failed:
        return f"All {len(expected)} sources succeeded."
    return (
        f"{len(failed)} of {len(expected)} sources failed: {', '.join(failed)}. "
        "Items stored before are kept and still published; the errors above say what to check."
    )
