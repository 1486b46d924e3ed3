"""The one way the site is served: `build_datasette` configures Datasette for `bin/serve`,
the tests and the benchmarks alike.

The site only reads. It opens the database read-only (Datasette's `mode=ro`), never
changes its schema, and refuses to start without a usable database rather than serving
an empty site: a missing, empty, corrupt or out-of-date file is a `SiteUnavailable`
error whose message says what to do.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from datasette.app import Datasette
from itsdangerous import BadSignature

from pipelines.schema import schema_fingerprint
from timeline_site.addresses import LOCAL_URL
from timeline_site.guard import database_files
from timeline_site.queries import DATABASE
from timeline_site.sql_threads import TimelineDatabase
from timeline_spiders.sources import SOURCES, event_kind_labels

ROOT = Path(__file__).resolve().parents[1]
METADATA_FILE = ROOT / "datasette_metadata.json"
TEMPLATES = ROOT / "templates"
STATIC = Path(__file__).resolve().parent / "static"

SETTINGS: dict[str, Any] = {
    # Default 1000 ms, kept: campaign pages run a handful of bounded queries in a few ms;
    # a query that needs a second is a hostile or broken one.
    "sql_time_limit_ms": 1000,
    # Default 200 ms, kept: facet counts on the table pages are a convenience.
    "facet_time_limit_ms": 200,
    # Default on: suggesting facets runs a query per column on every table page view.
    "suggest_facets": False,
    # Default 3: at most two expensive requests run at once (timeline_site/guard.py), and
    # an export's own requests for its rows pass that limit; the campaign pages and
    # embeds have threads of their own (timeline_site/sql_threads.py).
    "num_sql_threads": 6,
    # Default 1000: no page or export needs more rows at once; fewer bounds the work.
    "max_returned_rows": 200,
    # Default 100.
    "default_page_size": 50,
    # Default on: a streamed CSV of every row outlives its client and pins a core.
    "allow_csv_stream": False,
    # Default on: the whole database file is for the job, not for download.
    "allow_download": False,
    # Default 5 s: pages change when the nightly job writes, so caches may keep them.
    "default_cache_ttl": 300,
}


class TimelineDatasette(Datasette):
    """Datasette, reading the databases' schemas again only when one of their files has
    changed since it last did.

    Datasette refreshes its catalog of tables and columns before every request to its
    own pages (tables, canned queries, their JSON): one statement for the catalog and a
    `PRAGMA schema_version` for each database, each a trip to an SQL thread. That was
    1.0 of the 7.5 ms of `new_since.json` at the median (bench/README.md, figure 3).
    Only a write can change a schema, and a write changes the database file or its WAL
    (a published copy swapped in is a new file): when neither has, the catalog is
    still right."""

    _schemas_read_at: tuple[object, ...] | None = None

    async def refresh_schemas(self) -> None:
        files = self._database_files_now()
        if files == self._schemas_read_at:
            return
        await super().refresh_schemas()
        # The files as they were before the refresh: a write during it is seen next time.
        self._schemas_read_at = files

    def _database_files_now(self) -> tuple[object, ...]:
        """The databases by name, and each file's identity, size and last change."""
        stamps = []
        for path in database_files(self):
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            stamps.append((str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns))
        return (tuple(self.databases), *stamps)

    def unsign(self, signed: str, namespace: str = "default") -> Any:
        """Datasette's, failing at once on an empty value.

        Datasette reads its messages cookie on every request, and nearly every request
        has none. itsdangerous then raised BadSignature after keeping the exception in a
        local of its own frame: a reference cycle, through the traceback, that held the
        request's frame, with its request, response and body, until the garbage
        collector next ran, in the middle of a later request. Failed here, the exception
        is freed as soon as Datasette has caught it."""
        if not signed:
            raise BadSignature("There is nothing to unsign.")
        return super().unsign(signed, namespace)


class SiteUnavailable(Exception):
    """The site cannot serve this database; the message says why and what to do."""


def check_database(path: Path) -> None:
    """Raise SiteUnavailable unless `path` is a timeline database with the current schema."""
    if not path.is_file():
        raise SiteUnavailable(
            f"There is no timeline database at {path}: run the nightly job "
            "(make nightly) to create it, or give the right file (TIMELINE_DB)."
        )
    if path.stat().st_size == 0:
        raise SiteUnavailable(f"{path} is empty (0 bytes): it is not a timeline database.")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            version = conn.execute("pragma user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise SiteUnavailable(f"{path} cannot be read as a SQLite database: {error}.") from None
    if version != schema_fingerprint():
        raise SiteUnavailable(
            f"{path} has an older schema than this site expects: run the nightly job once "
            "(make nightly) to bring it up to date."
        )


def metadata() -> dict[str, Any]:
    """`datasette_metadata.json` with the declared sources and event kinds written in
    where it says `{sources}`, `{source_labels}` and `{event_kinds}`: those lists follow
    from `timeline_spiders/sources.py` and are never written out by hand."""
    words = {
        "{sources}": "; ".join(
            f"{s.name} ({s.label}: {s.description})" if s.description else s.name for s in SOURCES
        ),
        "{source_labels}": ", ".join(s.label for s in SOURCES if s.crawled),
        "{event_kinds}": ", ".join(
            f"{kind} ({label})" for kind, label in event_kind_labels().items()
        ),
    }
    data: dict[str, Any] = json.loads(
        METADATA_FILE.read_text(encoding="utf-8"),
        object_hook=lambda mapping: {
            key: _fill(value, words) if isinstance(value, str) else value
            for key, value in mapping.items()
        },
    )
    return data


def _fill(text: str, words: dict[str, str]) -> str:
    for placeholder, value in words.items():
        text = text.replace(placeholder, value)
    return text


def build_datasette(
    db_path: str | Path, *, immutable: bool = False, public_url: str | None = None
) -> Datasette:
    """Datasette configured to publish the timeline in `db_path`, read-only.

    `immutable` serves a published copy that nothing writes to any more (no locking,
    and Datasette may cache counts); the live database the nightly job writes to is
    served mutable, read through `mode=ro` connections. `public_url` is where readers
    reach the site (TIMELINE_PUBLIC_URL): every absolute link (feed ids, calendar
    entries) is made from it, never from a request's Host header, which anyone can set.
    """
    path = Path(db_path).resolve()
    check_database(path)
    site_metadata = metadata()
    site_metadata.setdefault("plugins", {})["timeline"] = {
        "public_url": (public_url or os.environ.get("TIMELINE_PUBLIC_URL") or LOCAL_URL).rstrip("/")
    }
    datasette = TimelineDatasette(
        metadata=site_metadata,
        template_dir=str(TEMPLATES),
        settings=SETTINGS,
        static_mounts=[("assets", str(STATIC))],
    )
    if immutable:
        # A published copy (timeline_site/publish.py): opened again when a new one is
        # renamed over it.
        from timeline_site.publish import PublishedDatabase

        database: TimelineDatabase = PublishedDatabase(datasette, path=str(path), is_mutable=False)
    else:
        database = TimelineDatabase(datasette, path=str(path), is_mutable=True)
    datasette.add_database(database, name=DATABASE)
    return datasette
