"""A rules file with a mistake fails the night before anything is crawled, says why on
/status, and leaves the tags of the rules in force before as they were."""

import json
import shutil

from pipelines.storage import TimelineStore
from tests.support.crawl import ROOT, run_scrapy
from tests.support.database import new_database
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
