"""Re-tagging everything stored: a chunk at a time, each in a short transaction."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from pipelines.retag import STATE_KEY, retag_all
from pipelines.storage import TimelineStore
from pipelines.tagging import Tagger, load_rules
from tests.support.database import new_database
from timeline_spiders.items import Document, Event

ROOT = Path(__file__).resolve().parents[2]
RULES = load_rules(ROOT / "data" / "campaigns.yml")


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


def stored_tags(db) -> list[tuple[str, str, str]]:
    return db.execute(
        "select item_id, campaign, status from item_campaigns order by item_id"
    ).fetchall()


def test_a_retag_reports_tags_added_removed_and_moved_between_confirmed_and_suggested(
    tmp_path,
):
    db = new_database(tmp_path / "timeline.db")
    store_debates(db, 2)
    report = retag_all(db, RULES)
    assert (report.tags_added, report.tags_removed) == (2, 0)
    db.execute("update item_campaigns set status = 'suggested' where item_id = 'hansard:debate-0'")
    db.execute(
        "insert into item_campaigns (item_id, campaign, rule, terms, status, score, context)"
        " values ('hansard:debate-1', 'labels-last-a-lifetime', 'r', '[]', 'suggested', 0.9, '')"
    )
    report = retag_all(db, RULES)
    assert (report.tags_added, report.tags_removed, report.to_confirmed) == (0, 1, 1)
    assert "0 tags added, 1 removed, 0 moved from confirmed to suggested and 1" in str(report)


def test_a_rules_change_that_removes_most_tags_is_refused_unless_confirmed(tmp_path):
    db = new_database(tmp_path / "timeline.db")
    store_debates(db, 3)
    retag_all(db, RULES)
    before = stored_tags(db)
    without_boycott = replace(RULES, campaigns=RULES.campaigns[1:])

    nightly = retag_all(db, without_boycott, only_if_rules_changed=True)
    assert nightly.refused and not nightly.skipped
    assert "would remove 3 of the 3 stored tags (boycott-school-census 3)" in str(nightly)
    assert str(nightly).startswith("Re-tag refused, stored tags left as they were")
    assert stored_tags(db) == before
    assert retag_all(db, without_boycott, only_if_rules_changed=True).refused  # every night

    confirmed = retag_all(db, without_boycott, confirm=True)
    assert (confirmed.refused, confirmed.tags_removed, stored_tags(db)) == ("", 3, [])


def test_a_retag_reads_a_debate_heading_as_the_speeches_context(tmp_path):
    db = new_database(tmp_path / "timeline.db")
    TimelineStore(db).save(
        Document(
            id="hansard:motion",
            source="hansard",
            doc_type="debate",
            title="Pupil Information Regulations 2016 (SI 2016/808) \u2014 Motion to Regret",
            url="https://hansard.parliament.uk/motion",
            body="My Lords, I am grateful to the Minister.",
            events=[Event("debate", "2016-10-31")],
        )
    )
    retag_all(db, RULES)
    assert db.execute("select campaign, status, context from item_campaigns").fetchall() == [
        ("boycott-school-census", "confirmed", "the debate's heading cites SI 2016/808")
    ]


def _fingerprint_in_a_new_process(hash_seed: str, rules_file: Path) -> str:
    program = (
        "import sys; from pipelines.retag import rules_fingerprint;"
        " from pipelines.tagging import load_rules;"
        " print(rules_fingerprint(load_rules(sys.argv[1])))"
    )
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", program, str(rules_file)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=ROOT,
    )
    return done.stdout.strip()


def test_the_rules_fingerprint_is_the_same_in_every_process_and_changes_with_the_rules(
    tmp_path,
):
    """The nightly job re-tags everything when the fingerprint differs from the last
    run's: one that changed with the hash seed re-tagged a million items every night."""
    rules_file = ROOT / "data" / "campaigns.yml"
    assert _fingerprint_in_a_new_process("1", rules_file) == _fingerprint_in_a_new_process(
        "2", rules_file
    )
    changed = tmp_path / "campaigns.yml"
    changed.write_text(rules_file.read_text().replace("prevent duty, ", "", 1))
    assert _fingerprint_in_a_new_process("1", changed) != _fingerprint_in_a_new_process(
        "1", rules_file
    )


def test_a_confirmed_retag_tags_each_item_once_however_many_change(tmp_path, monkeypatch):
    """Unconfirmed, every change must be known before any is written (it may be refused),
    and past KEPT_CHANGES they are worked out again while writing. Confirmed, there is
    nothing to refuse: a re-tag of a million items must not tag them twice."""
    db = new_database(tmp_path / "timeline.db")
    store_debates(db, 5)
    monkeypatch.setattr("pipelines.retag.KEPT_CHANGES", 0)
    tagged: list[str] = []
    tag = Tagger.tag
    monkeypatch.setattr(
        Tagger, "tag", lambda self, text, *a: tagged.append(text) or tag(self, text, *a)
    )

    report = retag_all(db, RULES, confirm=True, chunk_size=2)

    assert (report.items, report.tags_changed) == (5, 5)
    assert len(tagged) == 5
    assert len(stored_tags(db)) == 5
