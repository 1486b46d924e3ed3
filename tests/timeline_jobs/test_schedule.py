"""Which sources a run asks: hourly sources every hour, slower ones spread one per run,
and nothing held back for long."""

from datetime import UTC, datetime, timedelta

from timeline_jobs.schedule import SourceHistory, schedule
from timeline_spiders.sources import crawled_sources, source_named

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
SLOW = ["hansard", "questions", "bills", "committees", "motions", "petitions"]
HOURLY = ["legislation", "si_tracker", "govuk"]


def asked_at(hours_ago: float) -> SourceHistory:
    moment = NOW - timedelta(hours=hours_ago)
    return SourceHistory(last_success=moment, last_attempt=moment)


def test_the_slower_sources_are_the_ones_declared_six_hourly():
    assert [s.name for s in crawled_sources() if s.refresh_every > timedelta(hours=1)] == SLOW


def test_a_source_never_asked_is_asked():
    assert schedule(crawled_sources(), {}, NOW).asked == [s.name for s in crawled_sources()]


def test_an_hour_later_the_hourly_sources_are_asked_and_the_others_wait():
    history = {source.name: asked_at(1) for source in crawled_sources()}
    plan = schedule(crawled_sources(), history, NOW)
    assert plan.asked == HOURLY
    assert plan.waiting["hansard"] == "asked 60 min ago, and it is asked every 6 h"


def test_a_run_a_few_minutes_early_still_counts_as_the_next_hour():
    history = {"govuk": asked_at(0.9)}
    assert schedule([source_named("govuk")], history, NOW).asked == ["govuk"]


def test_due_slower_sources_are_spread_one_per_run_the_one_asked_longest_ago_first():
    history = {name: asked_at(6) for name in SLOW}
    history["questions"] = SourceHistory(NOW - timedelta(hours=7), NOW - timedelta(hours=7))
    plan = schedule(map(source_named, SLOW), history, NOW)
    assert plan.asked == ["questions"]
    assert set(plan.waiting) == set(SLOW) - {"questions"}
    assert "due, but questions is asked this run" in plan.waiting["hansard"]


def test_a_failing_slower_source_does_not_take_every_run_from_the_others():
    history = {name: asked_at(6) for name in SLOW}
    # Its last success was long ago, but it was tried an hour ago and failed.
    history["bills"] = SourceHistory(NOW - timedelta(hours=11), NOW - timedelta(hours=1))
    assert schedule(map(source_named, SLOW), history, NOW).asked == ["hansard"]


def test_spreading_never_holds_a_source_back_past_twelve_hours():
    history = {name: asked_at(6) for name in SLOW}
    history["petitions"] = asked_at(12)
    history["motions"] = asked_at(13)
    plan = schedule(map(source_named, SLOW), history, NOW)
    assert plan.asked[:2] == ["motions", "petitions"]
    assert len(plan.asked) == 3


def test_a_job_run_once_a_day_asks_every_source():
    history = {source.name: asked_at(23.9) for source in crawled_sources()}
    plan = schedule(crawled_sources(), history, NOW)
    assert plan.asked == [s.name for s in crawled_sources()]
    assert plan.waiting == {}


def test_a_day_of_hourly_runs_asks_each_slower_source_every_six_hours():
    history = {source.name: asked_at(0) for source in crawled_sources()}
    asked_per_run = []
    for hour in range(1, 25):
        now = NOW + timedelta(hours=hour)
        plan = schedule(crawled_sources(), history, now)
        asked_per_run.append(plan.asked)
        history.update({name: SourceHistory(now, now) for name in plan.asked})
    slow_asked = [[name for name in asked if name in SLOW] for asked in asked_per_run]
    assert all(len(names) <= 1 for names in slow_asked)
    assert all(set(HOURLY) <= set(asked) for asked in asked_per_run)
    for name in SLOW:
        assert sum(name in asked for asked in slow_asked) in (3, 4), name
