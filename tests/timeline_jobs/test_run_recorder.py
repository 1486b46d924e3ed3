from timeline_jobs.run_recorder import SourceRun, monitor_problems


def test_a_source_with_no_live_items_fails():
    assert monitor_problems("govuk", 0, None, 0.2) == [
        "govuk has no items: the source returned nothing usable"
    ]


def test_a_fall_in_live_items_beyond_the_threshold_fails():
    (problem,) = monitor_problems("govuk", 70, 100, 0.2)
    assert "fell from 100 to 70" in problem


def test_small_falls_and_growth_are_fine():
    assert monitor_problems("govuk", 85, 100, 0.2) == []
    assert monitor_problems("govuk", 120, 100, 0.2) == []
    assert monitor_problems("govuk", 5, None, 0.2) == []


def test_a_run_row_counts_its_errors():
    run = SourceRun("hansard", "job", "2026-01-01T00:00:00+00:00")
    run.errors = [{"url": "https://x", "reason": "HTTP 500"}]
    row = run.as_row()
    assert (row["errors_count"], row["status"]) == (1, "running")
