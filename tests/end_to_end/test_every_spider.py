"""Every spider Scrapy's spider loader finds, run as the nightly job runs it, against a
local server that answers badly: a new spider is held to these rules the day it exists.

Whatever a source answers, a spider reports each failure with the official URL it
concerns, never crashes in a callback, stores nothing it could not read, and fails its
run so the job's exit status says so.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from pipelines.storage import TimelineStore
from tests.support.crawl import run_scrapy
from tests.support.database import new_database
from tests.support.fixture_server import FixtureServer
from timeline_spiders.base import TimelineSpider
from timeline_spiders.items import Document, Event

LOADER = SpiderLoader.from_settings(get_project_settings())
SPIDERS = sorted(LOADER.list())
#: Stored before the run, so spiders that read other sources' items have work to do.
STORED = Document(
    id="legislation:uksi/2017/807",
    source="legislation",
    doc_type="statutory_instrument",
    title="The Education (Information About Children in Alternative Provision) (England) "
    "(Amendment) Regulations 2017",
    url="https://www.legislation.gov.uk/uksi/2017/807/made",
    events=[Event("si_made", "2017-07-17")],
)
ANSWERS = {
    "not found": {"body": "not found", "status": 404},
    "a challenge page served with 200": {"fixture": "hansard/challenge.html"},
}


def test_the_loader_finds_every_spider_and_each_names_its_source_and_its_api():
    assert SPIDERS
    for name in SPIDERS:
        spider = LOADER.load(name)
        assert issubclass(spider, TimelineSpider), name
        doc = spider.__doc__ or ""
        assert "Source:" in doc and "https://" in doc, f"{name}: name the source and its API docs"
        setting = spider.source.base_url_setting
        assert setting and get_project_settings().get(setting), name


@pytest.mark.parametrize("answer", list(ANSWERS))
@pytest.mark.parametrize("name", SPIDERS)
def test_a_source_that_answers_badly_fails_its_run_clearly_and_stores_nothing(
    name: str, answer: str, tmp_path: Path
):
    db = tmp_path / "timeline.db"
    with new_database(db) as database:
        TimelineStore(database).save(STORED)
    server = FixtureServer().start()
    server.answer_everything_else(**ANSWERS[answer])
    try:
        result = run_scrapy(
            "nightly",
            "--source",
            name,
            db=db,
            base_url=server.base_url,
            settings={
                "RETRY_TIMES": "0",
                "BACKFILL_FROM": f"{date.today().year}-01-01",
                "CURATION_DIR": str(tmp_path),
            },
        )
    finally:
        server.stop()
    source = LOADER.load(name).source
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    with sqlite3.connect(db) as connection:
        status, errors = connection.execute(
            "select status, errors from runs where source = ?", [source.name]
        ).fetchone()
        stored = connection.execute(
            "select count(*) from items where source = ? and id != ?", [source.name, STORED.id]
        ).fetchone()[0]
    assert status == "failed"
    assert stored == 0
    reported = json.loads(errors)
    assert reported
    assert not any("while parsing" in error["reason"] for error in reported), reported
    urls = [error["url"] for error in reported if error["url"]]
    assert all("127.0.0.1" not in url for url in urls), urls
