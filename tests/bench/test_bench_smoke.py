"""Each benchmark at a tiny scale, so the scripts cannot rot. Figures at this scale mean
nothing; only that every one is measured, reported, and passes its non-timing checks
(the rows compared are the same, the published instruments are stored) is checked."""

from __future__ import annotations

import asyncio
import os
import time
import weakref

import pytest

from bench import crawl, floors, load, nightly, pages, pipeline, retag
from bench.common import SCALES, Figure, alternating, from_runs, percentile
from bench.generate import debate_document, debate_json, debates
from bench.run import main, memory_figures
from timeline_spiders.parsers.hansard import parse_debate

SMOKE = SCALES["smoke"]


@pytest.fixture(autouse=True)
def data_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr("bench.common.DATA", tmp_path / "bench-data")


def check(figures: list[Figure]) -> None:
    assert figures
    for figure in figures:
        assert figure.value >= 0 and figure.baseline > 0, figure
        line = figure.line()
        assert " | baseline " in line and " | target " in line and " run" in line
        assert line.endswith(("| MET", "| MISSED")) or "MISSED [" in line


def test_generated_debates_are_what_the_real_parser_makes():
    for debate in debates(5, 4, seed=3):
        assert [debate_document(debate)] == parse_debate(debate_json(debate))


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.95) == 95


def test_the_floor_check_compares_each_piece_of_work_at_its_best():
    """A burst of other work on the machine lengthens some turns of the page's replayed
    SQL; its best turn is still its own time, so a real floor is not failed as "not a
    floor" (turn about with medians, three bursts in five turns failed it)."""
    calls = {"replay": 0}

    def replay() -> None:
        calls["replay"] += 1
        if calls["replay"] <= 3:
            time.sleep(0.02)

    replay_ms, floor_ms = pages.best_times_ms(replay, lambda: None, 5)
    assert calls["replay"] == 5
    assert replay_ms < 10 and floor_ms < 10


def test_a_floors_fastest_way_is_kept_though_a_burst_slowed_its_first_ten_turns():
    """Ways are chosen once, before the runs: a burst that slowed every one of five turns
    of the fast way kept the slow one, and the figure's floor flattered the page."""
    calls = {"fast": 0}

    def fast(conn, params):
        calls["fast"] += 1
        time.sleep(0.02 if calls["fast"] <= 10 else 0)
        return [("event",)]

    def steady(conn, params):
        time.sleep(0.005)
        return [("event",)]

    floor = floors.Floor(ways=(fast, steady))
    assert pages.fastest_way("a page", floor, None, {}) == 0


def test_a_page_and_its_floor_meet_the_same_slow_spells_of_the_machine():
    """A machine slow for the first half of a run's work (10 ms a sample, then 1 ms)
    slows page and floor alike: their p95s are equal, not 10 against 1."""
    order: list[str] = []

    def timed(side: str):
        async def sample(n: int) -> float:
            order.append(side)
            return 10.0 if len(order) <= 20 else 1.0

        return sample

    for run in (0, 1):
        order.clear()
        page_times, floor_times = asyncio.run(
            pages.paired_samples(timed("page"), timed("floor"), 20, run)
        )
        assert percentile(page_times, 0.95) == percentile(floor_times, 0.95) == 10.0
        assert sorted(page_times) == sorted(floor_times)
        assert order[:4] == (
            ["page", "floor", "floor", "page"] if run == 0 else ["floor", "page", "page", "floor"]
        )


class Cycle:
    """Garbage only the collector frees, as the in-process client's responses are."""

    def __init__(self) -> None:
        self.me = self


def test_each_pair_of_samples_starts_with_the_garbage_of_earlier_ones_collected():
    """Neither side pays for freeing what earlier samples left (pages.paired_samples)."""
    made: list[tuple[int, weakref.ref[Cycle]]] = []
    alive_at_start: list[int] = []

    async def sample(n: int) -> float:
        alive_at_start.append(sum(1 for pair, ref in made if pair < n and ref() is not None))
        made.append((n, weakref.ref(Cycle())))
        return 1.0

    asyncio.run(pages.paired_samples(sample, sample, 10, 0))
    assert len(alive_at_start) == 20 and set(alive_at_start) == {0}


def test_runs_alternate_and_figures_are_medians_with_spread():
    order: list[str] = []

    def measured() -> float:
        order.append("value")
        return 10.0 * len(order)

    def baseline() -> float:
        order.append("baseline")
        return 5.0

    alternating(measured, baseline, 4)
    assert order == ["value", "baseline", "baseline", "value"] * 2
    figure = from_runs(
        "x",
        [1.0, 3.0, 2.0],
        [2.0, 2.0, 2.0],
        unit="s",
        baseline_label="b",
        target="t",
        met=lambda _v, ratio: ratio <= 1,
    )
    assert (figure.value, figure.value_range, figure.ratio, figure.runs) == (
        2.0,
        (1.0, 3.0),
        1.0,
        3,
    )
    assert figure.met
    assert not from_runs(
        "x",
        [1.0],
        [2.0],
        unit="s",
        baseline_label="b",
        target="t",
        met=lambda _v, _r: True,
        problems=["scans events"],
    ).met


def test_pipeline_benchmark():
    figures = pipeline.measure(SMOKE)
    check(figures)
    assert figures[0].problems == []


def test_crawl_benchmark():
    figures = crawl.measure(SMOKE, runs=1)
    check(figures)
    assert figures[0].problems == []


def test_pages_benchmark_runs_as_bin_serve_configures_datasette():
    figures, details = pages.measure(SMOKE)
    check(figures)
    assert any("items_fts" in line for line in details["plans"])
    assert details["datasette_rss_mb"] > 0
    for figure in figures:
        # The floors read what the pages show, and no page scans (timings aside).
        assert not [p for p in figure.problems if "scans" in p or "rows" in p], figure.line()


def test_nightly_benchmark_stores_exactly_what_the_source_published():
    figures, details = nightly.measure(SMOKE, runs=1)
    check(figures)
    assert figures[0].problems == []
    assert figures[0].value < figures[0].baseline
    check(memory_figures([("nightly job", details["nightly_rss_mb"], details["database_mb"])]))


def test_load_benchmark_against_bin_serve():
    figures, details = load.measure(SMOKE, pages.database(SMOKE), runs=1)
    check(figures)
    assert details["server_rss_mb"] > 0
    revalidated = [f for f in figures if "304" in f.name]
    assert revalidated and revalidated[0].met, revalidated[0].line()


def test_retag_benchmark_retags_every_item():
    figures, details = retag.measure(SMOKE)
    check(figures)
    assert not [p for p in figures[0].problems if "re-tagged" in p or "floor" in p]
    assert details["longest_lock_seconds"] >= 0


def test_figure_7_re_tags_a_copy_that_is_already_on_the_disk(monkeypatch):
    """The copy's writeback is setup, not re-tagging: left to the kernel, the first
    commit of a re-tag at a million events waited 1.3 s for it, holding the write lock."""
    synced: list[str] = []
    real_fsync, real_run_measured = os.fsync, retag.run_measured
    on_disk_when_run: list[bool] = []

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    def run_measured(command, **popen):
        on_disk_when_run.append(popen["env"]["TIMELINE_DB"] in synced)
        synced.clear()
        return real_run_measured(command, **popen)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(retag, "run_measured", run_measured)
    retag.measure(SMOKE, runs=2)
    assert on_disk_when_run == [True, True]


@pytest.mark.parametrize("argv", [["nope"], ["--only=9"], ["--only=1,5x"]])
def test_bench_refuses_an_unknown_scale_or_figure_before_measuring(argv, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert "bench:" not in capsys.readouterr().out
