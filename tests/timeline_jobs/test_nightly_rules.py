"""A rules file with a mistake fails the night before anything is crawled, says why on
/status, and leaves the tags of the rules in force before as they were."""

import json
import shutil
from dataclasses import replace

import yaml

from pipelines.storage import TimelineStore
from tests.end_to_end.conftest import serve_legislation
from tests.support.crawl import ROOT, run_scrapy
from tests.support.database import new_database
from tests.support.fixture_server import FixtureServer
from tests.support.site import get, regret_debate

NOWHERE = "http://127.0.0.1:9"


def test_a_bad_rules_file_stops_the_night_before_crawling_and_says_why(tmp_path):
    db = tmp_path / "timeline.db"
    database = new_database(db)
    TimelineStore(database).save(regret_debate())
    database.conn.close()
    rules = tmp_path / "campaigns.yml"
    text = (ROOT / "data" / "campaigns.yml").read_text()
    rules.write_text(text.replace("tracked:", "trackd:", 1))
    line = text[: text.index("tracked:")].count("\n") + 1

    result = run_scrapy(
        "nightly",
        "--source",
        "legislation",
        db=db,
        base_url=NOWHERE,
        settings={"CAMPAIGN_RULES": str(rules), "CURATION_DIR": str(tmp_path)},
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Nothing was crawled; the rules in force before still apply." in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    runs = json.loads(get(db, "/timeline/runs.json?_shape=array").text)
    assert [(run["source"], run["status"]) for run in runs] == [("campaign rules", "failed")]
    assert f"{rules}:{line}" in runs[0]["errors"]
    tags = json.loads(get(db, "/timeline/item_tags.json?_shape=array").text)
    assert [(tag["item_id"], tag["campaign"]) for tag in tags] == [
        ("hansard:regret", "boycott-school-census")
    ]
    status = get(db, "/status").text
    assert "The campaign rules file" in status
    assert "Refused: nothing was crawled" in status
    assert "trackd" in status


def test_a_good_rules_file_is_said_to_be_read(tmp_path):
    db = tmp_path / "timeline.db"
    new_database(db).conn.close()
    rules = tmp_path / "campaigns.yml"
    shutil.copy(ROOT / "data" / "campaigns.yml", rules)
    run_scrapy(
        "nightly",
        "--source",
        "legislation",
        db=db,
        base_url=NOWHERE,
        settings={"CAMPAIGN_RULES": str(rules), "CURATION_DIR": str(tmp_path), "RETRY_TIMES": "0"},
    )
    status = get(db, "/status").text
    assert "Read without a problem" in status


def test_rules_that_would_remove_most_tags_fail_the_night_and_keep_the_tags(tmp_path):
    """`campaigns: []` once passed, and the night's re-tag removed 14 of 18 tags."""
    db = tmp_path / "timeline.db"
    database = new_database(db)
    for number in range(10):
        TimelineStore(database).save(replace(regret_debate(), id=f"hansard:regret-{number}"))
    database.conn.close()
    rules = yaml.safe_load((ROOT / "data" / "campaigns.yml").read_text())
    rules["campaigns"] = [c for c in rules["campaigns"] if c["slug"] != "boycott-school-census"]
    rules_file = tmp_path / "campaigns.yml"
    rules_file.write_text(yaml.safe_dump(rules, sort_keys=False))

    server = serve_legislation(FixtureServer().start())
    try:
        result = run_scrapy(
            "nightly",
            "--source",
            "legislation",
            db=db,
            base_url=server.base_url,
            settings={
                "CAMPAIGN_RULES": str(rules_file),
                "CURATION_DIR": str(tmp_path),
                "BACKFILL_FROM": "2016-01-01",
            },
        )
    finally:
        server.stop()

    assert "All 1 sources succeeded." in result.stdout, result.stdout
    assert "Re-tag refused, stored tags left as they were" in result.stdout
    assert result.returncode == 1
    tags = json.loads(get(db, "/timeline/item_tags.json?_shape=array").text)
    kept = [tag["item_id"] for tag in tags if tag["campaign"] == "boycott-school-census"]
    assert kept == [f"hansard:regret-{number}" for number in range(10)]
