"""`scrapy curate`: what it prints and returns when a staff file would remove a lot."""

from tests.support.crawl import run_scrapy
from tests.support.database import new_database

HEADER = "date,title,summary,url,campaigns\n"
ROWS = (
    "2017-01-19,Census day,,,boycott-school-census\n"
    "2017-02-01,Meeting with MPs,,,boycott-school-census\n"
)


def test_removing_every_campaign_event_needs_confirming(tmp_path):
    db = tmp_path / "timeline.db"
    new_database(db).conn.close()
    staff = tmp_path / "staff"
    staff.mkdir()
    settings = {"CURATION_DIR": str(staff)}
    (staff / "campaign_events.csv").write_text(HEADER + ROWS)
    assert run_scrapy("curate", db=db, base_url="", settings=settings).returncode == 0

    (staff / "campaign_events.csv").write_text(HEADER)
    refused = run_scrapy("curate", db=db, base_url="", settings=settings)
    assert refused.returncode == 1
    assert "this would take 2 of the 2 rows it published off the timeline" in refused.stdout
    assert "“Census day”, “Meeting with MPs”" in refused.stdout

    confirmed = run_scrapy("curate", "--confirm-removals", db=db, base_url="", settings=settings)
    assert confirmed.returncode == 0, confirmed.stdout + confirmed.stderr
    assert "Loaded 0 rows from campaign_events.csv." in confirmed.stdout
