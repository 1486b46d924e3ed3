"""What every benchmark shares: scales, where data lives, and how a figure is reported.

Every figure is a ratio against a baseline measured in the same run, because these
machines are noisy: an absolute time alone says little.
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
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
    #: Requests per measured query or page (p50/p95 come from these).
    samples: int
    #: Figure 4: statutory instruments the legislation source serves.
    instruments: int


SCALES = {
    # For the test suite: seconds, not minutes.
    "smoke": Scale("smoke", 400, 20, 30, 2_000, 6_000, 5, 12),
    # `make bench`: a few minutes on two cores.
    "quick": Scale("quick", 20_000, 20, 1_000, 100_000, 300_000, 40, 300),
    # `make bench SCALE=full`: the sizes in the issue.
    "full": Scale("full", 200_000, 20, 5_000, 1_000_000, 3_000_000, 100, 2_000),
}


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
    """One measured figure: value and baseline in the same unit, and the target."""

    name: str
    value: float
    baseline: float
    unit: str
    baseline_label: str
    #: The target, as text, and whether it is met.
    target: str
    met: bool
    #: value / baseline, or None where the baseline is only context (absolute targets).
    ratio: float | None = None
    notes: str = ""

    def line(self) -> str:
        ratio = f"{self.ratio:.3f}" if self.ratio is not None else "n/a"
        return (
            f"{self.name}: {_number(self.value)} {self.unit}"
            f" | baseline {_number(self.baseline)} {self.unit} ({self.baseline_label})"
            f" | ratio {ratio} | target {self.target}"
            f" | {'MET' if self.met else 'MISSED'}"
        )


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


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
