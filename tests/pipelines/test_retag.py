"""Re-tagging everything stored: a chunk at a time, each in a short transaction."""

from __future__ import annotations

import re
from pathlib import Path

from pipelines.retag import STATE_KEY, retag_all
from pipelines.storage import TimelineStore
from pipelines.tagging import load_rules
from tests.support.database import new_database
from timeline_spiders.items import Document, Event

RULES = load_rules(Path(__file__).resolve().parents[2] / "data" / "campaigns.yml")


def store_debates(db, count: int) -> None:
    store = TimelineStore(db)
    for number in range(count):
        store.save(
            Document(
                id=f"hansard:debate-{number}",
                source="hansard",
                doc_type="debate",
                title=f"Debate {number}",
                url=f"https://hansard.parliament.uk/{number}",
                body="The school census collects pupils' nationality, SI 2016/808.",
                events=[Event("debate", "2016-10-31")],
            )
        )


def transactions(statements: list[str]) -> list[list[str]]:
    """The statements of each write transaction, in order."""
    found, current = [], None
    for statement in statements:
        word = statement.strip().split()[0].upper() if statement.strip() else ""
        if word in ("BEGIN", "SAVEPOINT") and current is None:
            current = []
        elif word in ("COMMIT", "RELEASE") and current is not None and word == "COMMIT":
            found.append(current)
            current = None
        elif current is not None:
            current.append(statement)
    return found


def test_retagging_writes_a_chunk_at_a_time_each_in_a_transaction_of_its_own(tmp_path):
    db = new_database(tmp_path / "timeline.db")
    store_debates(db, 5)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    report = retag_all(db, RULES, chunk_size=2)
    db.conn.set_trace_callback(None)

    assert (report.items, report.tags_changed, report.citations_changed) == (5, 5, 5)
    reads = [s for s in statements if s.startswith("select rowid, id, source")]
    assert len(reads) == 4  # three chunks of at most two, and the empty read that ends it
    tagged_per_transaction = [
        {
            m
            for s in t
            for m in re.findall(r"delete from item_campaigns where item_id = '([^']+)'", s)
        }
        for t in transactions(statements)
    ]
    assert max(len(items) for items in tagged_per_transaction) <= 2
    assert sum(len(items) for items in tagged_per_transaction) == 5
    assert TimelineStore(db).state(STATE_KEY)  # recorded once the last chunk is done
