"""Each benchmark at a tiny scale, so the scripts cannot rot. Figures at this scale mean
nothing; only that every one is measured and reported is checked."""

from __future__ import annotations

import pytest

from bench import crawl, nightly, pipeline, search
from bench.common import SCALES, Figure, percentile
from bench.generate import debate_document, debate_json, debates
from bench.run import memory_figures
from timeline_spiders.parsers.hansard import parse_debate

SMOKE = SCALES["smoke"]


@pytest.fixture(autouse=True)
def data_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr("bench.common.DATA", tmp_path / "bench-data")


def check(figures: list[Figure]) -> None:
    assert figures
    for figure in figures:
        assert figure.value > 0 and figure.baseline > 0, figure
        line = figure.line()
        assert " | baseline " in line and " | target " in line
        assert line.endswith(("| MET", "| MISSED"))


def test_generated_debates_are_what_the_real_parser_makes():
    for debate in debates(5, 4, seed=3):
        assert [debate_document(debate)] == parse_debate(debate_json(debate))


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.95) == 95


def test_pipeline_benchmark():
    check(pipeline.measure(SMOKE))


def test_crawl_benchmark():
    check(crawl.measure(SMOKE))


def test_search_benchmark_and_query_plans():
    figures, details = search.measure(SMOKE)
    check(figures)
    assert any("items_fts" in line for line in details["plans"])
    assert details["datasette_rss_mb"] > 0


def test_nightly_benchmark_second_run_makes_fewer_requests():
    figures, details = nightly.measure(SMOKE)
    check(figures)
    assert figures[0].value < figures[0].baseline
    check(memory_figures(details["nightly_rss_mb"], details["nightly_rss_mb"], SMOKE))
