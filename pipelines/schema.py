"""The one database schema, created and migrated by code.

Every table is declared here with its columns. `migrate` brings a database up to date:
it creates what is missing and adds new columns, recreates the views, and records the
schema's fingerprint, all in one transaction, and only when the fingerprint differs. A
reader of the live site therefore sees the old schema or the new one, never a view
half-recreated; and opening the database to read or write never touches the schema.
Nothing here drops a table or a column: published data is only ever added to.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlite_utils

TABLES: dict[str, dict] = {
    "items": {
        "columns": {
            "id": str,
            "source": str,
            "doc_type": str,
            "title": str,
            "summary": str,
            "body": str,
            "url": str,
            "metadata": str,
            "content_hash": str,
            "first_seen": str,
            "last_seen": str,
            "last_changed": str,
            "gone_at": str,
        },
        "pk": "id",
        "indexes": [["source"], ["first_seen"]],
    },
    "events": {
        "columns": {
            "id": str,
            "item_id": str,
            "kind": str,
            "date": str,
            "title": str,
            "summary": str,
            "url": str,
            "first_seen": str,
            "superseded_at": str,
        },
        "pk": "id",
        "foreign_keys": [("item_id", "items", "id")],
        "indexes": [
            ["date"],
            ["item_id"],
            ["kind", "date"],
            ["first_seen"],
            # Pages walk the timeline newest first (or newest found first, for the feeds)
            # until enough of a campaign's events turn up; with these the walk never
            # leaves the index (bench/README.md, figure 3).
            ["date", "item_id", "superseded_at", "id"],
            ["first_seen", "date", "item_id", "superseded_at", "id"],
        ],
    },
    "contributions": {
        "columns": {
            "id": str,
            "item_id": str,
            "external_id": str,
            "position": int,
            "member_id": int,
            "member_name": str,
            "column_ref": str,
            "text": str,
            "url": str,
            "role": str,
            "party": str,
            "constituency": str,
        },
        "pk": "id",
        "foreign_keys": [("item_id", "items", "id")],
        "indexes": [["item_id"], ["member_id"]],
    },
    "versions": {
        "columns": {"item_id": str, "content_hash": str, "seen_at": str},
        "pk": ("item_id", "content_hash"),
        "foreign_keys": [("item_id", "items", "id")],
        "indexes": [],
    },
    "campaigns": {
        "columns": {
            "slug": str,
            "hashtag": str,
            "title": str,
            "description": str,
            "show_suggested_from": float,
        },
        "pk": "slug",
        "indexes": [],
        "defaults": {"show_suggested_from": 0.0},
    },
    "item_campaigns": {
        "columns": {
            "item_id": str,
            "campaign": str,
            "rule": str,
            "terms": str,
            "status": str,
            "score": float,
            "context": str,
        },
        "pk": ("item_id", "campaign"),
        # Tags stored before tags had a status were all shown: they stay so until re-tagged.
        "defaults": {"status": "confirmed", "score": 1.0, "context": ""},
        "foreign_keys": [("item_id", "items", "id"), ("campaign", "campaigns", "slug")],
        # Covering what a campaign's shown items are chosen by, so they are read from the
        # index alone: at a million events a searched campaign page (18,651 shown items)
        # took 76 ms against 82 when each tag's status and score came from its row.
        "indexes": [["campaign", "item_id", "status", "score"]],
    },
    "tag_overrides": {
        "columns": {"item_id": str, "campaign": str, "action": str, "reason": str},
        "pk": ("item_id", "campaign"),
        "foreign_keys": [("item_id", "items", "id"), ("campaign", "campaigns", "slug")],
        "indexes": [["campaign"]],
    },
    "notes": {
        "columns": {"item_id": str, "note": str, "author": str},
        "pk": "item_id",
        "foreign_keys": [("item_id", "items", "id")],
        "indexes": [],
    },
    "citations": {
        "columns": {"item_id": str, "legislation_id": str, "matched_text": str},
        "pk": ("item_id", "legislation_id"),
        "foreign_keys": [("item_id", "items", "id")],
        "indexes": [["legislation_id"]],
    },
    "amendments": {
        "columns": {
            "affecting_id": str,
            "affected_id": str,
            "effect_type": str,
            "affected_provisions": str,
            "affecting_title": str,
            "affected_title": str,
            "first_seen": str,
            "affecting_provisions": str,
            "in_force_dates": str,
            "applied": int,
        },
        "pk": (
            "affecting_id",
            "affected_id",
            "effect_type",
            "affected_provisions",
            "affecting_provisions",
        ),
        "indexes": [["affected_id"]],
    },
    "feeds": {
        "columns": {"url": str, "fetched_at": str},
        "pk": "url",
        "indexes": [],
    },
    "state": {
        "columns": {"key": str, "value": str},
        "pk": "key",
        "indexes": [],
    },
    # Alerts: when each destination began following each subject (a campaign or a saved
    # search), so it hears of what is found from then on, not the whole history.
    "alert_subscriptions": {
        "columns": {"destination": str, "subject": str, "since": str},
        "pk": ("destination", "subject"),
        "indexes": [],
    },
    # Each event an alert told a destination about: `sending` while the message is on its
    # way, `sent` once the destination accepted it. Never sent twice.
    "alert_deliveries": {
        "columns": {
            "destination": str,
            "subject": str,
            "event_id": str,
            "status": str,
            "job_id": str,
            "at": str,
        },
        "pk": ("destination", "subject", "event_id"),
        "indexes": [["status"]],
    },
    "runs": {
        "columns": {
            "id": int,
            "job_id": str,
            "source": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "finish_reason": str,
            "requests": int,
            "items_new": int,
            "items_changed": int,
            "items_unchanged": int,
            "items_gone": int,
            "items_stored": int,
            "items_live": int,
            "errors_count": int,
            "errors": str,
        },
        "pk": "id",
        "indexes": [["source", "started_at"]],
    },
}

#: One row per event: the published timeline. Its columns are a stable interface used by
#: campaign pages, embeds and feeds; add columns at the end, never rename or remove.
TIMELINE_VIEW = """
select
  events.id as event_id,
  events.date as date,
  events.kind as kind,
  items.source as source,
  coalesce(nullif(events.title, ''), items.title) as title,
  coalesce(nullif(events.summary, ''), items.summary) as summary,
  coalesce(nullif(events.url, ''), items.url) as url,
  -- The shown rows of the item_tags view, read from its tables so that SQLite can use
  -- their primary keys (it cannot push this correlation into a UNION ALL view).
  (select json_group_array(campaign) from (
     select campaign from item_campaigns rule_tag
     where rule_tag.item_id = events.item_id
       and (rule_tag.status = 'confirmed' or rule_tag.score >= (
         select show_suggested_from from campaigns where campaigns.slug = rule_tag.campaign))
       and not exists (
         select 1 from tag_overrides o
         where o.item_id = rule_tag.item_id and o.campaign = rule_tag.campaign)
     union all
     select campaign from tag_overrides o
     where o.item_id = events.item_id and o.action = 'add'
     order by campaign)) as campaigns,
  (select json_group_array(legislation_id) from (
     select legislation_id from citations where citations.item_id = events.item_id
     order by legislation_id)) as cites,
  events.item_id as item_id,
  substr(events.date, 1, 4) as year,
  events.first_seen as first_seen,
  items.rowid as item_rowid,
  (select note from notes where notes.item_id = events.item_id) as note,
  events.date > date('now') as upcoming
from events join items on items.id = events.item_id
where events.superseded_at is null
"""

#: The campaign tags in force: the rules' tags, except where staff overrode them.
#: Overrides live in their own table, so re-crawls and re-tags never touch them. `shown`
#: says whether public pages show the tag: confirmed ones, and suggested ones from the
#: campaign's threshold up; the rest wait for staff on the review page.
ITEM_TAGS_VIEW = """
select item_id, campaign, 'rule' as origin, rule, terms, null as reason, status, score,
  context,
  status = 'confirmed' or score >= (
    select show_suggested_from from campaigns where campaigns.slug = item_campaigns.campaign
  ) as shown
from item_campaigns
where not exists (
  select 1 from tag_overrides
  where tag_overrides.item_id = item_campaigns.item_id
    and tag_overrides.campaign = item_campaigns.campaign)
union all
select item_id, campaign, 'override' as origin, 'staff override' as rule, '[]' as terms,
  reason, 'confirmed' as status, 1.0 as score, '' as context, 1 as shown
from tag_overrides
where action = 'add'
"""

#: Views in dependency order.
VIEWS = {"item_tags": ITEM_TAGS_VIEW, "timeline": TIMELINE_VIEW}

FTS_COLUMNS = ["title", "summary", "body"]
VOCABULARY = "items_fts_vocab"


def schema_fingerprint() -> int:
    """A number that changes whenever the declared schema does (stored as the database's
    `user_version`, so a reader can check it without a query on any table)."""
    declared = json.dumps(
        [TABLES, VIEWS, FTS_COLUMNS, VOCABULARY],
        sort_keys=True,
        default=lambda value: value.__name__,
    )
    return int.from_bytes(hashlib.sha256(declared.encode()).digest()[:4], "big") >> 1


def is_current(db: sqlite_utils.Database) -> bool:
    return db.execute("pragma user_version").fetchone()[0] == schema_fingerprint()


def migrate(db: sqlite_utils.Database) -> bool:
    """Bring the schema up to date in one transaction; False if it already was."""
    if is_current(db):
        return False
    with db.atomic():
        for name, spec in TABLES.items():
            _create_or_extend(db, name, spec)
        if not db.table("items_fts").exists():
            db.table("items").enable_fts(FTS_COLUMNS, create_triggers=True, tokenize="porter")
        # The index's own words, for the site's "did you mean".
        db.execute(
            f"create virtual table if not exists [{VOCABULARY}] using fts5vocab(items_fts, 'row')"
        )
        for name in reversed(list(VIEWS)):
            db.execute(f"drop view if exists [{name}]")
        for name, sql in VIEWS.items():
            db.execute(f"create view [{name}] as {sql}")
        db.execute(f"pragma user_version = {schema_fingerprint()}")
    return True


#: Index pages one merge step may write: about 0.15 s of work at 100,000 events.
MERGE_PAGES_PER_STEP = 500


def optimise_search_index(
    db: sqlite_utils.Database, pages_per_step: int = MERGE_PAGES_PER_STEP
) -> int:
    """Finish the search index's due merges, a bounded step at a time; the steps taken.

    Every commit adds a segment to the index, and FTS5 merges a level's segments once
    several pile up. A positive 'merge' finishes that work and no more, so a night's few
    new items cost a step or two. Merging everything into one segment (a negative
    'merge', or 'optimize') rewrites the whole index every night: after five changed
    items of a million, 299 steps and 12.6 s, the night's largest cost (bench/README.md,
    figure 4), and 'optimize' holds the write lock for all of it. Each step is its own
    transaction, so another writer (staff curating, a re-tag) waits for one step at
    most. FTS5 counts a step that found nothing to merge as fewer than two changes.
    """
    if db.conn.in_transaction:
        raise RuntimeError("optimise_search_index commits each step: call it outside a transaction")
    steps = 0
    while True:
        before = db.conn.total_changes
        with db.conn:
            db.execute(
                "insert into items_fts(items_fts, rank) values ('merge', ?)", [pages_per_step]
            )
        steps += 1
        if db.conn.total_changes - before < 2:
            return steps


def _create_or_extend(db: sqlite_utils.Database, name: str, spec: dict[str, Any]) -> None:
    table = db.table(name)
    if not table.exists():
        table.create(
            spec["columns"],
            pk=spec["pk"],
            foreign_keys=spec.get("foreign_keys"),
            not_null=_not_null(spec["pk"]),
        )
    else:
        existing = set(table.columns_dict)
        for column, column_type in spec["columns"].items():
            if column not in existing:
                table.add_column(column, column_type, not_null_default=_default(spec, column))
        pk = [spec["pk"]] if isinstance(spec["pk"], str) else list(spec["pk"])
        if table.pks != pk:
            table.transform(pk=pk)  # a new primary key: the table is rebuilt, rows kept
    for index in spec["indexes"]:
        table.create_index(index, if_not_exists=True)
    # An index no longer declared (replaced by a wider one) would only slow every write.
    # Origin "c" is a CREATE INDEX; a key's own index is origin "pk" or "u".
    declared = [list(index) for index in spec["indexes"]]
    for index in table.indexes:
        if index.origin == "c" and index.columns not in declared:
            db.execute(f"drop index [{index.name}]")


def tables_of_items() -> list[str]:
    """Tables whose rows belong to an item (a foreign key to `items`), children first:
    what must go when an item is taken off the timeline."""
    return [
        name
        for name, spec in TABLES.items()
        if any(target == "items" for _, target, _ in spec.get("foreign_keys", []))
    ]


def _default(spec: dict[str, Any], column: str) -> Any:
    """The value a new column takes in rows stored before it existed: its declared
    default, or "" for a primary-key column (which cannot be null), or null."""
    if column in spec.get("defaults", {}):
        return spec["defaults"][column]
    pk = spec["pk"]
    return "" if column in ((pk,) if isinstance(pk, str) else pk) else None


def _not_null(pk: str | tuple[str, ...]) -> set[str]:
    return {pk} if isinstance(pk, str) else set(pk)
