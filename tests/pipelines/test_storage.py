import itertools
import json
import sqlite3

import pytest

from pipelines.schema import TABLES, VIEWS, is_current, migrate, optimise_search_index
from pipelines.storage import TimelineStore
from pipelines.storage.store import event_ids
from tests.support.database import new_database
from timeline_spiders.items import (
    Amendment,
    AmendmentList,
    Contribution,
    Document,
    Event,
    Gone,
    Tag,
)


@pytest.fixture
def store(tmp_path):
    store = TimelineStore(new_database(tmp_path / "timeline.db"))
    yield store
    store.db.conn.close()


def debate(**changes) -> Document:
    document = Document(
        id="hansard:abc",
        source="hansard",
        doc_type="debate",
        title="School Census: Pupils' Nationality",
        url="https://hansard.parliament.uk/Lords/2016-10-12/debates/abc/SchoolCensus",
        summary="Lords oral question",
        body="The school census collects nationality, see SI 2016/808.",
        events=[Event("debate", "2016-10-12")],
        contributions=[Contribution("c1", 1, "My Lords...", 1234, "Lord A", "512")],
        cites={"uksi/2016/808": "SI 2016/808"},
        campaigns=[Tag("boycott-school-census", "cites SI 2016/808", ("uksi/2016/808",))],
    )
    for name, value in changes.items():
        setattr(document, name, value)
    return document


def rows(store, sql):
    return store.db.execute(sql).fetchall()


def test_a_new_item_is_stored_with_its_events_citations_tags_and_version(store):
    assert store.save(debate(), seen_at="2026-01-01T00:00:00+00:00") == "new"
    (row,) = rows(store, "select event_id, date, campaigns, cites, first_seen from timeline")
    assert row == (
        "hansard:abc:debate",
        "2016-10-12",
        '["boycott-school-census"]',
        '["uksi/2016/808"]',
        "2026-01-01T00:00:00+00:00",
    )
    assert rows(store, "select count(*) from versions") == [(1,)]
    assert rows(store, "select member_name, column_ref from contributions") == [("Lord A", "512")]


def test_saving_the_same_content_again_changes_nothing_but_last_seen(store):
    store.save(debate(), seen_at="2026-01-01T00:00:00+00:00")
    before = rows(store, "select * from events") + rows(store, "select * from versions")
    assert store.save(debate(), seen_at="2026-01-02T00:00:00+00:00") == "unchanged"
    assert rows(store, "select * from events") + rows(store, "select * from versions") == before
    assert rows(store, "select first_seen, last_seen, last_changed from items") == [
        ("2026-01-01T00:00:00+00:00", "2026-01-02T00:00:00+00:00", "2026-01-01T00:00:00+00:00")
    ]


def test_a_changed_item_keeps_when_it_was_first_seen_and_adds_a_version(store):
    store.save(debate(), seen_at="2026-01-01T00:00:00+00:00")
    changed = debate(body="Corrected text.", events=[Event("debate", "2016-10-13")])
    assert store.save(changed, seen_at="2026-01-02T00:00:00+00:00") == "changed"
    assert rows(store, "select date, first_seen from events") == [
        ("2016-10-13", "2026-01-01T00:00:00+00:00")
    ]
    assert rows(store, "select count(*) from versions") == [(2,)]
    assert rows(store, "select count(*) from items") == [(1,)]


def test_events_that_a_source_stops_sending_are_kept_but_leave_the_timeline(store):
    two = [Event("guidance_published", "2016-01-01"), Event("guidance_updated", "2017-01-01")]
    store.save(debate(events=two), seen_at="2026-01-01T00:00:00+00:00")
    store.save(debate(events=two[:1]), seen_at="2026-01-02T00:00:00+00:00")
    assert rows(store, "select kind, superseded_at from events order by date") == [
        ("guidance_published", None),
        ("guidance_updated", "2026-01-02T00:00:00+00:00"),
    ]
    assert rows(store, "select kind from timeline") == [("guidance_published",)]


def test_an_event_that_comes_back_is_shown_again_as_first_seen_before(store):
    two = [Event("guidance_published", "2016-01-01"), Event("guidance_updated", "2017-01-01")]
    store.save(debate(events=two), seen_at="2026-01-01T00:00:00+00:00")
    store.save(debate(events=two[:1]), seen_at="2026-01-02T00:00:00+00:00")
    store.save(debate(events=two, body="again"), seen_at="2026-01-03T00:00:00+00:00")
    assert rows(store, "select kind, first_seen from timeline order by date") == [
        ("guidance_published", "2026-01-01T00:00:00+00:00"),
        ("guidance_updated", "2026-01-01T00:00:00+00:00"),
    ]


def test_a_second_date_of_a_kind_gets_an_id_of_its_own_and_the_first_keeps_its_id(store):
    instrument = debate(id="legislation:uksi/2017/807", events=[Event("si_in_force", "2017-09-01")])
    store.save(instrument)
    later = Event("si_in_force", "2018-01-01")
    store.save(debate(id=instrument.id, events=[Event("si_in_force", "2017-09-01"), later]))
    assert rows(store, "select event_id, date from timeline order by date") == [
        ("legislation:uksi/2017/807:si_in_force", "2017-09-01"),
        ("legislation:uksi/2017/807:si_in_force:2018-01-01", "2018-01-01"),
    ]
    assert rows(store, "select count(*) from events") == [(2,)]


def test_two_unkeyed_events_of_one_kind_are_both_kept_not_merged():
    document = debate(events=[Event("si_laid", "2016-07-21"), Event("si_laid", "2016-07-20")])
    assert [event_id for event_id, _ in event_ids(document)] == [
        "hansard:abc:si_laid",
        "hansard:abc:si_laid:2016-07-21",
    ]


def test_a_single_unkeyed_event_keeps_its_id_when_its_date_moves(store):
    store.save(debate(events=[Event("written_question", "2016-10-24")]))
    store.save(debate(events=[Event("written_question", "2016-11-01")]))
    assert rows(store, "select id, date, superseded_at from events") == [
        ("hansard:abc:written_question", "2016-11-01", None)
    ]


def test_derived_citations_and_rule_tags_are_replaced_when_content_changes(store):
    store.save(debate())
    store.save(debate(body="Nothing cited.", cites={}, campaigns=[]))
    assert rows(store, "select campaigns, cites from timeline") == [("[]", "[]")]


def test_search_index_follows_the_items(store):
    store.save(debate())
    store.save(debate(body="Alternative provision census"))
    assert rows(store, "select count(*) from items_fts where items_fts match 'nationality'") == [
        (1,)  # in the title
    ]
    assert rows(store, "select count(*) from items_fts where items_fts match 'provision'") == [(1,)]


def test_schema_adds_new_columns_to_an_old_database_without_losing_rows(tmp_path):
    db = new_database(tmp_path / "timeline.db", campaigns=False)
    db.execute("insert into campaigns (slug) values ('x')")
    # An older release had no description column on campaigns.
    db.execute("drop view timeline")
    db.execute("drop view item_tags")
    db.execute("create table campaigns_old as select slug, hashtag, title from campaigns")
    db.execute("drop table item_campaigns")
    db.execute("drop table campaigns")
    db.execute("alter table campaigns_old rename to campaigns")
    db.execute("pragma user_version = 1")
    assert migrate(db)
    assert set(TABLES["campaigns"]["columns"]) <= set(db["campaigns"].columns_dict)
    assert rows(TimelineStore(db), "select slug from campaigns") == [("x",)]
    assert "timeline" in db.view_names()
    assert is_current(db)


def test_an_index_the_schema_no_longer_declares_is_dropped(tmp_path):
    """An index replaced by a wider one would only slow every write."""
    db = new_database(tmp_path / "timeline.db", campaigns=False)
    db["item_campaigns"].create_index(["campaign"])  # what an older release declared
    db.execute("pragma user_version = 1")
    assert migrate(db)
    declared = {
        "_".join(["idx_item_campaigns", *index]) for index in TABLES["item_campaigns"]["indexes"]
    }
    names = {index.name for index in db["item_campaigns"].indexes}
    assert "idx_item_campaigns_campaign" not in names
    assert declared <= names


def test_a_current_schema_is_not_touched_again(tmp_path):
    db = new_database(tmp_path / "timeline.db", campaigns=False)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    assert not migrate(db)
    assert statements == ["pragma user_version"]


def test_a_failed_migration_leaves_the_old_schema_whole(tmp_path, monkeypatch):
    db = new_database(tmp_path / "timeline.db", campaigns=False)
    db.execute("drop view timeline")
    db.execute("create view timeline as select 1 as event_id")
    db.execute("pragma user_version = 1")
    monkeypatch.setitem(VIEWS, "timeline", "select from nowhere")  # fails after the drops
    with pytest.raises(sqlite3.OperationalError):
        migrate(db)
    assert rows(TimelineStore(db), "select * from timeline") == [(1,)]
    assert db.execute("pragma user_version").fetchone() == (1,)


def test_metadata_is_stored_as_json(store):
    store.save(debate(metadata={"house": "Lords"}))
    (metadata,) = rows(store, "select metadata from items")[0]
    assert json.loads(metadata) == {"house": "Lords"}


def guide(body: str, events: list[Event]) -> Document:
    return Document(
        id="govuk:/government/publications/school-census-guide",
        source="govuk",
        doc_type="guidance",
        title="School census guide",
        url="https://www.gov.uk/government/publications/school-census-guide",
        body=body,
        events=events,
        fingerprint=f"fp-{body}",
        silent_change_kind="guidance_updated",
    )


PUBLISHED = Event("guidance_published", "2015-12-15")


def test_a_silent_change_becomes_a_version_and_an_event_saying_so(store):
    store.save(guide("Nationality is collected.", [PUBLISHED]), seen_at="2026-01-01T01:00:00+00:00")
    store.save(guide("Nationality is required.", [PUBLISHED]), seen_at="2026-02-01T01:00:00+00:00")
    events = rows(store, "select kind, date, summary from events order by date")
    assert events[-1][:2] == ("guidance_updated", "2026-02-01")
    assert "without a change note" in events[-1][2]
    assert rows(store, "select count(*) from versions") == [(2,)]


def test_an_announced_change_adds_only_its_own_event(store):
    store.save(guide("v1", [PUBLISHED]))
    noted = Event("guidance_updated", "2016-07-05", key="2016-07-05", summary="Added nationality")
    store.save(guide("v2", [PUBLISHED, noted]))
    assert rows(store, "select kind, summary from events where kind = 'guidance_updated'") == [
        ("guidance_updated", "Added nationality")
    ]


def test_a_new_timestamp_with_the_same_reader_visible_content_is_no_new_version(store):
    store.save(guide("same", [PUBLISHED]))
    changed_metadata = guide("same", [PUBLISHED])
    changed_metadata.metadata = {"public_updated_at": "2026-01-01"}
    assert store.save(changed_metadata) == "changed"
    assert rows(store, "select count(*) from versions") == [(1,)]
    assert rows(store, "select count(*) from events") == [(1,)]


def test_a_gone_document_is_marked_and_kept(store):
    store.save(debate())
    assert store.write_gone(Gone("hansard:abc", "https://x", 410), seen_at="2026-03-01")
    assert not store.write_gone(Gone("hansard:abc", "https://x", 410), seen_at="2026-03-02")
    assert not store.write_gone(Gone("hansard:never-stored", "https://x", 404))
    assert rows(store, "select gone_at from items") == [("2026-03-01",)]
    assert rows(store, "select count(*) from timeline") == [(1,)]


def test_one_change_made_by_several_provisions_is_kept_as_each_of_them(store):
    made_by = [
        Amendment(
            "ukpga/2002/38",
            "ukpga/1978/28",
            effect_type="words substituted",
            affected_provisions="s. 65(1)",
            affecting_provisions=provision,
            in_force_dates=("2005-12-30",) if provision != "s. 133(3)" else (),
            applied=provision != "s. 133(3)",
        )
        for provision in ("Sch. 3 para. 35(a)", "Sch. 3 para. 35(b)(i)", "s. 133(3)")
    ]
    with store.db.atomic():
        assert store.write_amendments(AmendmentList("https://feed", made_by)) == 3
    assert rows(
        store, "select affecting_provisions, in_force_dates, applied from amendments order by 1"
    ) == [
        ("Sch. 3 para. 35(a)", '["2005-12-30"]', 1),
        ("Sch. 3 para. 35(b)(i)", '["2005-12-30"]', 1),
        ("s. 133(3)", "[]", 0),
    ]


def test_an_amendments_table_from_an_older_release_gets_the_new_key_and_keeps_its_rows(tmp_path):
    path = tmp_path / "timeline.db"
    with sqlite3.connect(path) as old:
        old.execute(
            "create table amendments (affecting_id text, affected_id text, effect_type text,"
            " affected_provisions text, affecting_title text, affected_title text,"
            " first_seen text,"
            " primary key (affecting_id, affected_id, effect_type, affected_provisions))"
        )
        old.execute(
            "insert into amendments values"
            " ('uksi/2016/808', 'uksi/2013/2094', 'inserted', 'reg. 3', 'A', 'B', '2026')"
        )
    db = new_database(path, campaigns=False)
    assert "affecting_provisions" in db.table("amendments").pks
    assert rows(TimelineStore(db), "select affecting_id, affecting_provisions from amendments") == [
        ("uksi/2016/808", "")
    ]


def test_public_campaigns_are_confirmed_tags_and_suggested_ones_from_the_threshold_up(store):
    with store.db.atomic():
        store.sync_campaigns(
            [
                {"slug": "boycott-school-census", "hashtag": "#B", "title": "B",
                 "description": "", "show_suggested_from": 0.6},
                {"slug": "labels-last-a-lifetime", "hashtag": "#L", "title": "L",
                 "description": "", "show_suggested_from": 0.6},
            ]
        )  # fmt: skip
    tags = [
        Tag("boycott-school-census", "words", ("nationality",), "suggested", 0.7),
        Tag("labels-last-a-lifetime", "words", ("placement",), "suggested", 0.4),
    ]
    store.save(debate(campaigns=tags))
    assert rows(store, "select campaigns from timeline") == [('["boycott-school-census"]',)]
    assert rows(store, "select campaign, status, shown from item_tags order by campaign") == [
        ("boycott-school-census", "suggested", 1),
        ("labels-last-a-lifetime", "suggested", 0),
    ]


def test_the_search_index_is_optimised_in_short_transactions_not_one_long_one(tmp_path):
    db = new_database(tmp_path / "timeline.db", campaigns=False)
    # Without FTS5's own merging as they are written, the segments are all still due.
    db.execute("insert into items_fts(items_fts, rank) values ('automerge', 0)")
    for batch in range(12):  # each commit leaves the index a segment of its own
        with db.conn:
            db["items"].insert_all(
                {
                    "id": f"item-{batch}-{n}",
                    "source": "test",
                    "title": "school census",
                    "body": " ".join(f"word{batch}x{n}x{k}" for k in range(20)),
                }
                for n in range(200)
            )
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    steps = optimise_search_index(db, pages_per_step=1)
    db.conn.set_trace_callback(None)

    merges = [i for i, sql in enumerate(statements) if "'merge'" in sql]
    assert steps == len(merges) > 10
    assert not any("optimize" in sql for sql in statements)
    for this, following in itertools.pairwise(merges):
        assert "COMMIT" in statements[this:following], "two merge steps in one transaction"
    db.execute("insert into items_fts(items_fts) values ('integrity-check')")
    matching = db.execute("select count(*) from items_fts where items_fts match 'census'")
    assert matching.fetchone()[0] == 2400
    assert optimise_search_index(db) == 1, "something was left to merge"


def test_a_nights_few_changes_do_not_rewrite_the_whole_search_index(tmp_path):
    """Merged into one segment every night, the index was rewritten whole for a few
    changed items: at a million events, 299 steps and 12.6 s of the night's 16."""
    db = new_database(tmp_path / "timeline.db", campaigns=False)
    with db.conn:
        db["items"].insert_all(
            {"id": f"item-{n}", "source": "test", "title": "school census", "body": f"word{n}"}
            for n in range(3000)
        )
    db.execute("insert into items_fts(items_fts) values ('optimize')")
    with db.conn:
        db["items"].insert({"id": "tonight", "source": "test", "title": "school census"})

    assert optimise_search_index(db, pages_per_step=1) == 1
    matching = db.execute("select count(*) from items_fts where items_fts match 'census'")
    assert matching.fetchone()[0] == 3001
