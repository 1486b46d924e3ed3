"""What every benchmark shares: scales, where data lives, and how a figure is reported.

Every figure is a ratio against a baseline measured in the same run, because these
machines are noisy: an absolute time alone says little.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / ".data"
PYTHON = sys.executable


@dataclass(frozen=True)
class Scale:
    name: str
    #: Figure 1: contributions through the pipelines, in debates of `per_debate`.
    contributions: int
    per_debate: int
    #: Figure 2: debates crawled.
    crawl_debates: int
    #: Figure 3: events (one item each) and contributions in the search database.
    events: int
    db_contributions: int
    #: Requests per page per run (each run's p50/p95 come from these). At 30 a run's p95
    #: was the second slowest request: within one `make bench` on 4 December the SI
    #: page's runs ranged 1.73-2.21x of the floor; at 100, 1.75-1.95x.
    samples: int
    #: Figure 4: statutory instruments the legislation source serves.
    instruments: int
    #: Runs of each figure (its median, min and max are reported): at least 5, except
    #: in the test suite's smoke scale.
    runs: int = 5
    #: Figure 6: seconds of each load phase (the whole load test stays under 60 s).
    load_seconds: float = 3.0
    #: Figure 7: items re-tagged, and how many times (a re-tag of a million items took
    #: 290 s on 3 December, against most of an hour at first: five runs fit in half an
    #: hour, so the full scale runs five too).
    retag_events: int = 20_000
    retag_runs: int = 5
    #: Runs of the figures that copy and work on the whole figure 3 database (a night on
    #: the million-event database: 15 s and a 5.6 GB copy).
    heavy_runs: int = 5


SCALES = {
    # For the test suite: seconds, not minutes.
    "smoke": Scale(
        "smoke",
        400,
        20,
        30,
        2_000,
        6_000,
        4,
        12,
        runs=2,
        load_seconds=1.0,
        retag_events=2_000,
        retag_runs=1,
        heavy_runs=1,
    ),
    # `make bench`: about a quarter of an hour on two cores.
    "quick": Scale("quick", 20_000, 20, 1_000, 100_000, 300_000, 100, 300),
    # `make bench SCALE=full`: the sizes in the issue.
    "full": Scale(
        "full",
        200_000,
        20,
        5_000,
        1_000_000,
        3_000_000,
        100,
        2_000,
        retag_events=1_000_000,
    ),
}


def copy_on_disk(source: Path, destination: Path) -> None:
    """Copy a database for a measured run to write to, and wait until the copy is on the
    disk. Copied, a million-event database is gigabytes the kernel writes back later,
    and SQLite's first commit to the copy (which syncs the new write-ahead log) waited
    for that writeback: 1.3 to 2.4 s holding the write lock in figure 7 on 4 December,
    which measured the copy, not the re-tag."""
    shutil.copyfile(source, destination)
    with destination.open("rb+") as copied:
        os.fsync(copied.fileno())


def scale_named(name: str | None) -> Scale:
    name = (name or os.environ.get("SCALE") or "quick").lower()
    if name not in SCALES:
        raise SystemExit(f"unknown SCALE {name!r}; choose from {', '.join(SCALES)}")
    return SCALES[name]


def data_dir(scale: Scale, *parts: str) -> Path:
    path = DATA.joinpath(scale.name, *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class Figure:
    """One measured figure: the median of several runs of the thing measured and of its
    baseline (taken in the same runs, in alternating order), with their spread.

    `met` is the target met and every other check that gates the figure passed;
    `problems` says which checks failed, so a MISSED figure says why.
    """

    name: str
    value: float
    baseline: float
    unit: str
    baseline_label: str
    #: The target, as text, and whether it is met (checks aside).
    target: str
    met: bool
    #: value / baseline (the median of each run's ratio), or None where the baseline is
    #: only context.
    ratio: float | None = None
    notes: str = ""
    #: (min, max) over the runs of the value, the baseline and the ratio.
    value_range: tuple[float, float] | None = None
    baseline_range: tuple[float, float] | None = None
    ratio_range: tuple[float, float] | None = None
    runs: int = 1
    #: Checks that gate the figure and failed (a full scan, a baseline that is not a
    #: floor, a result of the wrong size, errors...).
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.problems:
            self.met = False

    def line(self) -> str:
        ratio = f"{self.ratio:.3f}" if self.ratio is not None else "n/a"
        if self.ratio_range is not None:
            ratio += f" ({self.ratio_range[0]:.3f}-{self.ratio_range[1]:.3f})"
        text = (
            f"{self.name}: {_number(self.value)}{_range(self.value_range)} {self.unit}"
            f" | baseline {_number(self.baseline)}{_range(self.baseline_range)} {self.unit}"
            f" ({self.baseline_label})"
            f" | ratio {ratio} | target {self.target}"
            f" | median of {self.runs} run{'s' if self.runs != 1 else ''}"
            f" | {'MET' if self.met else 'MISSED'}"
        )
        if self.problems:
            text += " [" + "; ".join(self.problems) + "]"
        return text


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def _range(span: tuple[float, float] | None) -> str:
    return f" ({_number(span[0])}-{_number(span[1])})" if span else ""


def from_runs(
    name: str,
    values: list[float],
    baselines: list[float],
    *,
    unit: str,
    baseline_label: str,
    target: str,
    met: Callable[[float, float], bool],
    ratio_of: Callable[[float, float], float] | None = lambda value, base: value / base,
    problems: list[str] | None = None,
) -> Figure:
    """A figure from paired runs: run i measured values[i] and baselines[i] together.
    The ratio is the median of each run's own ratio; `met(value, ratio)` decides."""
    value, baseline = statistics.median(values), statistics.median(baselines)
    ratios = [ratio_of(v, b) for v, b in zip(values, baselines, strict=True)] if ratio_of else []
    ratio = statistics.median(ratios) if ratios else None
    return Figure(
        name=name,
        value=value,
        baseline=baseline,
        unit=unit,
        baseline_label=baseline_label,
        target=target,
        met=met(value, ratio if ratio is not None else float("nan")),
        ratio=ratio,
        value_range=(min(values), max(values)),
        baseline_range=(min(baselines), max(baselines)),
        ratio_range=(min(ratios), max(ratios)) if ratios else None,
        runs=len(values),
        problems=list(problems or []),
    )


def alternating(
    measure: Callable[[], float], baseline: Callable[[], float], runs: int
) -> tuple[list[float], list[float]]:
    """`runs` paired measurements, the thing measured first in even runs and the baseline
    first in odd ones, so neither always gets the warmer (or the noisier) turn."""
    values, baselines = [], []
    for run in range(runs):
        if run % 2 == 0:
            values.append(measure())
            baselines.append(baseline())
        else:
            baselines.append(baseline())
            values.append(measure())
    return values, baselines


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of `values` (fraction 0.5 for p50, 0.95 for p95)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.4999)))
    return ordered[rank - 1]


def peak_rss_mb_self() -> float:
    """Peak resident set size of this process, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mb_of(pid: int) -> float:
    """Peak RSS (VmHWM) of a live process, in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_measured(command: list[str], **popen) -> tuple[int, str, float, float]:
    """Run `command`; return (exit code, output, peak RSS in MB, seconds).

    The peak is the child's own VmHWM, polled from /proc while it runs: rusage from
    wait4() would count the parent's memory copied at fork, which exec does not reset.
    """
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, text=True, **popen)
        peak = 0.0
        while child.poll() is None:
            with contextlib.suppress(OSError, ValueError):
                peak = max(peak, peak_rss_mb_of(child.pid))
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        out.seek(0)
        return child.returncode, out.read(), peak, seconds
