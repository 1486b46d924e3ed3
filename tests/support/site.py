"""A small published timeline for the site's tests, and a way to ask the site for a page.

The database holds one of each thing the pages treat differently: a debate with its
speakers, a written question with its asker and answerer, a guide whose text changed
twice, a campaign event with no link, an upcoming date, an instrument the tracker's
failed run missed, a question the rules only suggest (below the campaign's threshold),
and an item whose every field is something a hostile or careless source could send.
The #LabelsLastaLifetime campaign has nothing on it yet.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from datasette.database import Database

from pipelines.storage import TimelineStore
from pipelines.storage.runs import RunLog
from tests.support.database import new_database
from timeline_jobs.run_recorder import SourceRun
from timeline_site import rendering
from timeline_site.config import build_datasette
from timeline_site.queries import Reader, read
from timeline_site.rendering import PageTemplate
from timeline_spiders.items import Document, Event, Tag

CENSUS = "boycott-school-census"
AP_CENSUS = "labels-last-a-lifetime"
PUBLIC_URL = "https://timeline.example.org"
#: What a careless or hostile source might put in a title, link and summary.
HOSTILE_TITLE = "Census\x0b day\x0c notes <script>alert(1)</script>"
HOSTILE_URL = "https://example.org/x\r\nBEGIN:VALARM\r\nTRIGGER:-PT5M"
HOSTILE_SUMMARY = '=HYPERLINK("http://evil.example/","Click")\rDESCRIPTION:injected'


def regret_debate() -> Document:
    return Document(
        id="hansard:regret",
        source="hansard",
        doc_type="debate",
        title="Pupil Information Regulations: Motion to Regret",
        summary="Lords debate on SI 2016/808: nationality in the school census",
        body="The regulations, SI 2016/808, add nationality to the school census.",
        url="https://hansard.parliament.uk/Lords/2016-10-31/debates/abc/Regret",
        events=[Event("debate", "2016-10-31")],
        metadata={
            "speakers": [
                {"name": "Lord Storey", "party": "Liberal Democrat"},
                {"name": "Lord Nash", "party": "Conservative"},
            ]
        },
        cites={"uksi/2016/808": "SI 2016/808"},
        campaigns=[Tag(CENSUS, "cites SI 2016/808")],
    )


def nationality_question() -> Document:
    return Document(
        id="questions:wq:1",
        source="questions",
        doc_type="written_question",
        title="Pupils: Nationality",
        summary="To ask what use is made of pupils' nationality data.",
        body="Pupils' nationality and country of birth in the school census.",
        url="https://questions-statements.parliament.uk/written-questions/detail/2016-10-12/48123",
        events=[Event("written_question", "2016-10-12")],
        metadata={
            "uin": "48123",
            "asking_member": {"name": "Caroline Lucas", "party": "Green Party"},
            "answering_member": {"name": "Nick Gibb", "party": "Conservative"},
            "answering_body": "Department for Education",
        },
        campaigns=[Tag(CENSUS, "nationality in the census", ("nationality",))],
    )


def suggested_question() -> Document:
    """A question the rules only suggest for the census campaign, below its threshold:
    the public pages leave it out and the review queue lists it."""
    return Document(
        id="questions:wq:2",
        source="questions",
        doc_type="written_question",
        title="Population Survey: Place of Birth",
        summary="To ask how the survey records where residents were born.",
        body="Residents were asked where they were born.",
        url="https://questions-statements.parliament.uk/written-questions/detail/2021-03-01/9",
        events=[Event("written_question", "2021-03-01")],
        campaigns=[
            Tag(
                CENSUS,
                "where a child was born",
                ("where", "born"),
                status="suggested",
                score=0.3,
                context="the question's heading",
            )
        ],
    )


def census_guide() -> Document:
    """A guide published in May 2016 and changed in August and October 2016: only the
    October text (the one stored) mentions country of birth."""
    return Document(
        id="govuk:/guidance/school-census",
        source="govuk",
        doc_type="guidance",
        title="School census: guide for schools",
        summary="How schools complete the school census.",
        body="From autumn 2016 schools record each pupil's country of birth.",
        url="https://www.gov.uk/guidance/school-census",
        events=[
            Event("guidance_published", "2016-05-10"),
            Event("guidance_updated", "2016-08-01", key="2016-08-01"),
            Event("guidance_updated", "2016-10-20", key="2016-10-20"),
        ],
        campaigns=[Tag(CENSUS, "census guidance", ("school census",))],
    )


def campaign_launch() -> Document:
    """A campaign event with no link at all."""
    return Document(
        id="campaign:2016-09-01-launch",
        source="campaign",
        doc_type="campaign_event",
        title="Campaign launched",
        summary="Parents and teachers ask schools not to collect nationality.",
        url="",
        events=[Event("campaign_event", "2016-09-01")],
        campaigns=[Tag(CENSUS, "listed")],
    )


def census_day() -> Document:
    return Document(
        id="campaign:2030-01-17-census-day",
        source="campaign",
        doc_type="campaign_event",
        title="Census day, spring 2030",
        summary="Parents can refuse; schools must not guess.",
        url="https://www.gov.uk/guidance/school-census",
        events=[Event("campaign_event", "2030-01-17")],
        campaigns=[Tag(CENSUS, "listed")],
    )


def hostile_item() -> Document:
    return Document(
        id="campaign:2031-03-01-hostile",
        source="campaign",
        doc_type="campaign_event",
        title=HOSTILE_TITLE,
        summary=HOSTILE_SUMMARY,
        url=HOSTILE_URL,
        events=[Event("campaign_event", "2031-03-01")],
        campaigns=[Tag(CENSUS, "listed")],
    )


#: An instrument laid after the SI tracker began, which the tracker's failed run missed.
INSTRUMENT_ID = "uksi/2017/999"
INSTRUMENT_SUMMARY = "Schools report alternative provision placements each January."


def instrument() -> Document:
    """An instrument legislation.gov.uk records no changes for, whose text cites the
    regulations it amends, and whose stored link is not a web address."""
    return Document(
        id=f"legislation:{INSTRUMENT_ID}",
        source="legislation",
        doc_type="statutory_instrument",
        title="The Education (Alternative Provision Census) (England) Regulations 2017",
        summary=INSTRUMENT_SUMMARY,
        body="These Regulations amend S.I. 2007/1065.",
        url="javascript:alert('si')",
        events=[
            Event("si_made", "2017-07-10"),
            Event("si_laid", "2017-07-13"),
            Event("si_in_force", "2017-09-01"),
        ],
        cites={"uksi/2007/1065": "S.I. 2007/1065"},
    )


def failed_run(source: str, url: str, items_stored: int) -> SourceRun:
    run = SourceRun(source, "job1", "2026-11-01T02:00:00+00:00", "2026-11-01T02:10:00+00:00")
    run.status = "failed"
    run.errors = [{"url": url, "reason": "HTTP 500"}]
    run.items_stored = items_stored
    return run


def one_of_many_questions(number: int, summary: str, **fields: Any) -> Document:
    """The `number`th of many written questions, four asked each week from January 2016
    (so pages of them end inside a day), with `fields` (cites, campaigns) set; each
    links to `.../detail/<number>` for the tests to find it on a page."""
    day = date(2016, 1, 1) + timedelta(days=7 * (number // 4))
    return Document(
        id=f"questions:wq:many-{number}",
        source="questions",
        doc_type="written_question",
        title=f"Pupils: Nationality ({number})",
        summary=summary,
        body=summary,
        url=f"https://questions-statements.parliament.uk/written-questions/detail/{number}",
        events=[Event("question_asked", day.isoformat())],
        **fields,
    )


def questions_page_by_page(read_page: Callable[[str], str]) -> list[list[int]]:
    """The numbers of the questions (`one_of_many_questions`) a paged list shows, page by
    page: `read_page(before)` is the list's HTML at `?before=`, and each page's "Older"
    link is followed to the last page."""
    pages, before = [], ""
    while True:
        html = read_page(before)
        pages.append(
            [int(number) for number in re.findall(r"written-questions/detail/(\d+)", html)]
        )
        older = re.search(r'before=([0-9-]+)">Older', html)
        if not older:
            return pages
        before = older[1]


def build_site_database(path: Path) -> Path:
    """The published timeline the site tests read (see the module docstring)."""
    db = new_database(path)
    store = TimelineStore(db)
    store.save(regret_debate(), seen_at="2026-11-01T02:00:00+00:00")
    store.save(nationality_question(), seen_at="2026-11-01T02:00:00+00:00")
    store.save(census_guide(), seen_at="2026-11-01T02:00:00+00:00")
    store.save(campaign_launch(), seen_at="2026-11-01T02:00:00+00:00")
    store.save(census_day(), seen_at="2026-11-03T02:00:00+00:00")
    store.save(hostile_item(), seen_at="2026-11-02T02:00:00+00:00")
    store.save(instrument(), seen_at="2026-11-01T02:00:00+00:00")
    store.save(suggested_question(), seen_at="2026-11-01T02:00:00+00:00")
    failed = [
        ("hansard", "https://hansard-api.parliament.uk/x"),
        ("si_tracker", "https://si-api.parliament.uk/x"),
    ]
    # Each run stores its source's item count as the run recorder does when a run ends.
    stored = {source: RunLog(path).item_counts(source)[0] for source, _ in failed}
    with db.conn:
        for source, url in failed:
            db["runs"].insert(failed_run(source, url, stored[source]).as_row())
    db.conn.close()
    return path


def get(db_path: Path, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """One request to the site over `db_path`, configured exactly as bin/serve does."""

    async def fetch() -> Any:
        datasette = build_datasette(db_path, public_url=PUBLIC_URL)
        await datasette.invoke_startup()
        return await datasette.client.get(path, headers=headers or {})

    return asyncio.run(fetch())


def site_read(db_path: Path, reading: Callable[[Reader], Any]) -> Any:
    """What `reading` reads through the site over `db_path` (timeline_site.queries.read)."""

    async def run() -> Any:
        datasette = build_datasette(db_path, public_url=PUBLIC_URL)
        await datasette.invoke_startup()
        return await read(datasette, reading)

    return asyncio.run(run())


def recorded_statements(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    """Every statement the site sends a database from now on, with its parameters, in
    order (for tests of what a page asks SQLite, not only what it shows)."""
    statements: list[tuple[str, Any]] = []
    execute, rows = Database.execute, Reader.rows

    async def recording(self: Database, sql: str, params: Any = None, **kwargs: Any) -> Any:
        statements.append((sql, params))
        return await execute(self, sql, params, **kwargs)

    def reading(self: Reader, sql: str, params: Any = None) -> Any:
        statements.append((sql, params))
        return rows(self, sql, params)

    monkeypatch.setattr(Database, "execute", recording)  # Datasette's own pages
    monkeypatch.setattr(Reader, "rows", reading)  # the site's pages (timeline_site.queries.read)
    return statements


def rendered_both_ways(db_path: Path, path: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The page at `path` as the site renders it (timeline_site/rendering.py), then as
    Datasette's own async environment renders the same template; the first must have
    been drawn by the site's synchronous overlay."""
    drawn: list[str] = []
    render = PageTemplate.render

    def drawing(self: PageTemplate, *args: Any, **kwargs: Any) -> str:
        drawn.append(self.name or "")
        return render(self, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(PageTemplate, "render", drawing)
        by_the_site = get(db_path, path)
    assert by_the_site.status_code == 200, by_the_site.text
    assert drawn, f"{path} was not rendered by the site's synchronous overlay"
    with monkeypatch.context() as patched:
        patched.setattr(rendering, "synchronous_overlay", lambda env: env)
        by_datasette = get(db_path, path)
    return [by_the_site.text, by_datasette.text]
