"""How the site's pages read the database: one trip to an SQL thread a page, each
statement under Datasette's time limit."""

import math
import sqlite3
from contextlib import closing

import pytest
from datasette.database import QueryInterrupted

from tests.support.database import new_database
from tests.support.site import AP_CENSUS, CENSUS, get, recorded_statements, site_read
from timeline_site import queries
from timeline_site.queries import Reader, walk_pays
from timeline_site.sql_threads import TimelineDatabase

#: A statement that takes seconds: SQLite counts to ten million.
SLOW = """with recursive n(i) as (select 1 union all select i + 1 from n where i < 10000000)
select count(*) from n"""


@pytest.mark.parametrize(
    "path",
    [
        "/",
        f"/campaign/{CENSUS}",
        f"/embed/{AP_CENSUS}",
        "/si/uksi/2016/808",
        "/search?q=census",
        "/status",
        f"/timeline/campaign_feed.atom?campaign={CENSUS}",
    ],
)
def test_a_page_reads_everything_it_shows_in_one_trip_to_an_sql_thread(site_db, monkeypatch, path):
    """Each trip waits for a thread and then for the event loop: a page of ten
    statements paid that ten times (bench/README.md, figure 3)."""
    trips: list[object] = []
    execute_fn = TimelineDatabase.execute_fn

    async def counted(self, fn):
        trips.append(fn)
        return await execute_fn(self, fn)

    monkeypatch.setattr(TimelineDatabase, "execute_fn", counted)
    assert get(site_db, path).status_code == 200
    assert len(trips) == 1


@pytest.mark.parametrize(
    ("path", "compact"),
    [
        (f"/campaign/{CENSUS}", False),
        ("/si/uksi/2016/808", False),
        ("/search?q=census", False),
        (f"/embed/{AP_CENSUS}", True),
        ("/", True),
        (f"/timeline/campaign_feed.atom?campaign={CENSUS}", True),
        ("/timeline/new_since.atom?since=2000-01-01", True),
    ],
)
def test_a_list_of_events_reads_only_what_it_shows(site_db, monkeypatch, path, compact):
    """Each event's campaigns (which no list shows) and, in compact lists and feeds, its
    citations and note are subqueries run for every row: a third of a feed's statement
    at a million events. What `who` needs from the item is read by its row id, not
    looked up again by its text id."""
    statements = recorded_statements(monkeypatch)
    assert get(site_db, path).status_code == 200
    listing = [(sql, params) for sql, params in statements if "items.metadata" in sql]
    assert listing
    with closing(sqlite3.connect(site_db)) as conn:
        for sql, params in listing:
            plan = " ".join(row[3] for row in conn.execute(f"explain query plan {sql}", params))
            assert "rule_tag" not in plan  # the timeline view's campaigns of each event
            assert ("citations" in plan) is not compact
            assert ("notes" in plan) is not compact
            assert "items USING INTEGER PRIMARY KEY (rowid=?)" in plan


def test_a_campaigns_shown_items_are_the_shown_rows_of_the_item_tags_view(tmp_path):
    """SHOWN_ITEMS_SQL reads what the view shows from its tables, the campaign's
    threshold once rather than for every tag: confirmed tags, suggested ones from the
    threshold up, never one staff removed, always one staff added."""
    db = new_database(tmp_path / "timeline.db")
    threshold = db.execute(
        "select show_suggested_from from campaigns where slug = ?", [CENSUS]
    ).fetchone()[0]
    tags = {
        "confirmed": ("confirmed", 0.1),
        "above": ("suggested", threshold),
        "below": ("suggested", threshold - 0.01),
        "removed": ("confirmed", 1.0),
        "added back": ("suggested", threshold - 0.01),
    }
    overrides = {"removed": "remove", "added back": "add", "added": "add"}
    db["items"].insert_all({"id": item_id, "source": "hansard"} for item_id in [*tags, "added"])
    db["item_campaigns"].insert_all(
        {"item_id": item_id, "campaign": CENSUS, "status": status, "score": score}
        for item_id, (status, score) in tags.items()
    )
    db["tag_overrides"].insert_all(
        {"item_id": item_id, "campaign": CENSUS, "action": action, "reason": "staff"}
        for item_id, action in overrides.items()
    )

    def items(sql: str) -> list[str]:
        return sorted(row[0] for row in db.execute(sql, {"campaign": CENSUS}))

    view = items("select item_id from item_tags where campaign = :campaign and shown")
    assert view == ["above", "added", "added back", "confirmed"]
    assert items(queries.SHOWN_ITEMS_SQL) == view


def test_a_campaigns_shown_items_are_chosen_from_an_index_without_reading_its_tags(tmp_path):
    """A searched campaign page tests every one of the campaign's tags (18,651 at a
    million events): their status and score must come with the index's entries."""
    db = new_database(tmp_path / "timeline.db")
    plan = [
        row[3]
        for row in db.execute(f"explain query plan {queries.SHOWN_ITEMS_SQL}", {"campaign": CENSUS})
    ]
    assert any(step.startswith("SEARCH tag USING COVERING INDEX") for step in plan), plan


def test_each_statement_keeps_the_sites_time_limit(site_db):
    def slow(reader: Reader) -> list[sqlite3.Row]:
        reader.time_limit_ms = 50
        return reader.rows(SLOW)

    with pytest.raises(QueryInterrupted):
        site_read(site_db, slow)
    # The limit is the statement's: the connection is free for the next one.
    assert site_read(site_db, lambda reader: reader.rows("select 1")[0][0]) == 1


@pytest.mark.parametrize("events", [0, 1, 40, 1000, 10_000])
@pytest.mark.parametrize("limit", [3, 51, 101])
def test_walking_pays_exactly_when_the_items_squared_outweigh_the_limit_times_the_events(
    events, limit
):
    """`walk_pays` counts the items only as far as its answer needs; the answer is the
    whole count's: items x items > WALK_FACTOR x limit x events."""
    conn = sqlite3.connect(":memory:")
    conn.execute("create table events (id integer primary key)")
    conn.executemany("insert into events values (?)", [(n,) for n in range(1, events + 1)])
    conn.execute("create table items (id integer primary key)")
    read: list[int] = []
    conn.create_function("read", 1, lambda item: read.append(item) or 1)
    reader = Reader(conn, time_limit_ms=1000)
    enough = math.isqrt(int(queries.WALK_FACTOR * limit * events)) + 1
    for items in range(0, 400):
        if items:
            conn.execute("insert into items values (?)", (items,))
        read.clear()
        whole_count = items * items > queries.WALK_FACTOR * limit * events
        assert walk_pays(reader, "select 1 from items where read(id)", {}, limit) == whole_count
        assert len(read) == min(items, enough)


class RecordingReader(Reader):
    """A reader that keeps every statement it sends, with its parameters."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__(conn, time_limit_ms=1000)
        self.sent: list[tuple[str, dict]] = []

    def rows(self, sql, params=None):
        self.sent.append((sql, params or {}))
        return super().rows(sql, params)


def test_the_choice_of_way_skips_rows_in_the_index_loop_and_never_counts_them():
    """`has_at_least` asks for the row after the ones it skips: counted in a subquery,
    every row went through a co-routine, a third slower (queries.has_at_least)."""
    conn = sqlite3.connect(":memory:")
    conn.execute("create table citations (item_id text, legislation_id text)")
    conn.execute("create index by_legislation on citations (legislation_id)")
    conn.executemany("insert into citations values (?, 'uksi/2016/808')", [(n,) for n in "abc"])
    reader = RecordingReader(conn)
    citing = "select 1 from citations where legislation_id = :id"
    answers = [queries.has_at_least(reader, citing, {"id": "uksi/2016/808"}, n) for n in range(5)]
    assert answers == [True, True, True, True, False]
    for sql, params in reader.sent:
        plan = " ".join(row[3] for row in conn.execute(f"explain query plan {sql}", params))
        assert "CO-ROUTINE" not in plan and "USING COVERING INDEX by_legislation" in plan


def test_who_reads_the_metadata_only_of_documents_it_names_someone_for(monkeypatch):
    """A list shows who asked a question or spoke in a debate; guidance and instruments
    name no one, and their metadata (attachments, memoranda) is never parsed."""
    parsed: list[str] = []
    loads = queries.json.loads
    monkeypatch.setattr(queries.json, "loads", lambda text: parsed.append(text) or loads(text))
    question = '{"uin": "HL1234"}'
    events = [
        {"doc_type": "written_question", "metadata": question, "source": "questions"},
        {"doc_type": "guidance", "metadata": '{"attachments": []}', "source": "govuk"},
        {"doc_type": "statutory_instrument", "metadata": "{}", "source": "legislation"},
    ]
    for number, event in enumerate(events):
        event["item_id"] = f"{event['source']}:{number}"
    assert [queries.who_of(event) for event in events] == ["UIN HL1234", "", ""]
    assert parsed == [question]
