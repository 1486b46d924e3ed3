"""Every check that gates a figure, shown failing on a regression planted on purpose:
a page that scans, a feed that sorts instead of walking an index, a floor that is slower
than the page's own SQL or reads fewer rows, a baseline that does less work, a nightly
run that fetches everything again or misses what was published, a re-tag that holds the
write lock, and a crowd that gets errors. None of these checks is a timing of this test:
each regression is large and certain (a scan in the query plan, a 1.5 s pause, a
setting), and the unplanted run is checked to pass the same check."""

from __future__ import annotations

import time

import pytest

from bench import crawl, load, nightly, pages, pipeline, retag
from bench.common import PYTHON, SCALES
from bench.generate import build_database
from timeline_site import feeds, queries

SMOKE = SCALES["smoke"]
CAMPAIGN_PAGES = ("campaign page", "embed")


@pytest.fixture(autouse=True)
def data_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr("bench.common.DATA", tmp_path / "bench-data")


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "timeline.db"
    return build_database(path, SMOKE.events, SMOKE.db_contributions)


def problems_of(figures) -> list[str]:
    return [problem for figure in figures for problem in figure.problems]


def test_a_page_that_scans_the_timeline_misses_its_figure(database, monkeypatch):
    figures, _ = pages.measure_in_process(database, SMOKE, runs=1, only=CAMPAIGN_PAGES)
    assert not [p for p in problems_of(figures) if "scans" in p]

    chosen = queries.event_ids_sql

    def scanning(query: queries.EventQuery) -> str:
        return chosen(query).replace("from events", "from events not indexed", 1)

    monkeypatch.setattr(queries, "event_ids_sql", scanning)
    figures, _ = pages.measure_in_process(database, SMOKE, runs=1, only=CAMPAIGN_PAGES)
    for figure in figures:
        assert not figure.met
        assert any(p.startswith("scans events") for p in figure.problems), figure.line()


def test_a_feed_that_sorts_instead_of_walking_its_index_misses_its_figure(database, monkeypatch):
    only = ("new_since Atom feed (last week)",)
    figures, _ = pages.measure_in_process(database, SMOKE, runs=1, only=only)
    assert not [p for p in problems_of(figures) if "sorts" in p]

    sorting = feeds.NEW_SINCE_IDS.replace("order by", "order by events.title,", 1)
    monkeypatch.setattr(feeds, "NEW_SINCE_IDS", sorting)
    figures, _ = pages.measure_in_process(database, SMOKE, runs=1, only=only)
    assert not figures[0].met
    assert "sorts its rows instead of walking an index" in figures[0].problems


def test_a_floor_slower_than_the_pages_own_sql_is_not_a_floor(database):
    def slower(found: list[pages.Page]) -> None:
        for page in found:
            for floor, _ in page.floors:
                ways = tuple(_slowed(way) for way in floor.ways)
                object.__setattr__(floor, "ways", ways)

    figures, _ = pages.measure_in_process(
        database, SMOKE, runs=1, only=("campaign page",), plant=slower
    )
    assert not figures[0].met
    assert any(p.startswith("not a floor") for p in figures[0].problems), figures[0].line()


def _slowed(way):
    def slow(conn, params):
        time.sleep(0.05)
        return way(conn, params)

    return slow


def test_a_floor_that_reads_fewer_rows_than_the_page_shows_misses(database):
    def fewer(found: list[pages.Page]) -> None:
        for page in found:
            for floor, _ in page.floors:
                ways = tuple(_less(way) for way in floor.ways)
                object.__setattr__(floor, "ways", ways)

    figures, _ = pages.measure_in_process(database, SMOKE, runs=1, only=("embed",), plant=fewer)
    assert not figures[0].met
    assert any(p.startswith("the floor reads") for p in figures[0].problems), figures[0].line()


def _less(way):
    return lambda conn, params: way(conn, params)[:-1]


def test_a_baseline_that_writes_less_misses_figure_1():
    def items_only(rows, path):
        pipeline.executemany_rows({**rows, "events": [], "contributions": []}, path)

    (figure,) = pipeline.measure(SMOKE, runs=1, write_rows=items_only)
    assert not figure.met
    assert any(p.startswith("baseline wrote") for p in figure.problems), figure.line()


def test_a_crawl_that_stops_early_misses_figure_2():
    (figure,) = crawl.measure(SMOKE, runs=1, settings={"CLOSESPIDER_ITEMCOUNT": "3"})
    assert not figure.met
    assert any(p.startswith("crawled") for p in figure.problems), figure.line()


def test_a_nightly_run_that_fetches_everything_again_misses_figure_4():
    figures, _ = nightly.measure(SMOKE, runs=1, plant={"settings": {"TIMELINE_BACKFILL": "1"}})
    requests = figures[0]
    assert requests.ratio is not None and requests.ratio > nightly.REQUESTS_TARGET
    assert not requests.met


def test_a_nightly_run_that_misses_what_was_published_misses_figure_4():
    plant = {"scrapy": [PYTHON, "-m", "bench.planted", "legislation-window-only", "scrapy"]}
    figures, _ = nightly.measure(SMOKE, runs=1, plant=plant)
    assert not figures[0].met
    assert any(p.startswith("missed") for p in figures[0].problems), figures[0].line()


def test_a_retag_that_holds_the_write_lock_misses_figure_7():
    command = [PYTHON, "-m", "bench.planted", "retag-holds-the-lock", "scrapy", "retag"]
    figures, details = retag.measure(SMOKE, runs=1, command=[*command, "--confirm"])
    assert details["longest_lock_seconds"] > retag.LOCK_TARGET_SECONDS
    assert not figures[0].met
    assert any("held the write lock" in p for p in figures[0].problems)


def _phase(name: str, embed: list[str], conditional: int = 0, not_modified: int = 0):
    tallies = {
        key: load.Tally() for key in ("embed", "campaign", "search", "huge", "long", "table")
    }
    tallies["stream"] = load.Tally()
    for status in embed:
        tallies["embed"].record(10.0, status)
        tallies["campaign"].record(10.0, "200")
    tallies["embed"].conditional, tallies["embed"].not_modified = conditional, not_modified
    tallies["huge"].record(1.0, "400")
    return load.PhaseResult(name, 1.0, tallies)


def test_a_crowd_that_gets_errors_or_full_pages_misses_figure_6():
    good = [[_phase(n, ["200", "304"], 2, 2) for n in load.PHASES]]
    assert all(figure.met for figure in load.figures_of(good, 10))

    failing = [
        [
            _phase("readers", ["200", "304"], conditional=2, not_modified=1),
            _phase("searches", ["200", "503"]),
            _phase("hostile", ["200", "ReadTimeout"]),
        ]
    ]
    figures = {figure.name.split(" (")[0]: figure for figure in load.figures_of(failing, 10)}
    missed = [name for name, figure in figures.items() if not figure.met]
    assert any("while 5 clients run slow searches" in name for name in missed)
    assert any("hostile" in name for name in missed)
    assert any("304" in name for name in missed)
