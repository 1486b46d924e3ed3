"""Staff curation: the campaign's own events, tag overrides and notes, from plain files.

Staff keep three CSV files in `data/` (edited in a text editor or a spreadsheet). Each
file is checked completely before anything is written; a file with any mistake is
refused with every mistake listed by line, and what was published from it before stays
exactly as it was. A file that passes replaces what was loaded from it before, in one
transaction, so nothing is ever half-applied.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from pipelines.citations import cited_by
from pipelines.dates import UnreadableDate, normalise_date
from pipelines.storage import TimelineStore, utc_now
from pipelines.tagging import CampaignRules
from timeline_spiders.items import Document, Event, Tag
from timeline_spiders.sources import SOURCES
from timeline_spiders.text import document_text

CAMPAIGN_SOURCE = "campaign"
EVENTS_FILE = "campaign_events.csv"
OVERRIDES_FILE = "tag_overrides.csv"
NOTES_FILE = "notes.csv"
LISTED_RULE = f"listed in data/{EVENTS_FILE}"

_SLUG_WORDS = re.compile(r"[a-z0-9]+")
SOURCE_NAMES = frozenset(source.name for source in SOURCES)


class CurationError(ValueError):
    """A staff file was refused; `problems` lists each mistake as 'file:line: reason'."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        listed = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"{path} refused, nothing from it was changed:\n{listed}")


@dataclass
class CurationReport:
    """What loading the staff files did, for the command's output.

    `pending` lists rows about items not stored yet (a note on an instrument the first
    crawl has not reached): they are no mistake, and load on the run that stores them.
    """

    loaded: dict[str, int] = field(default_factory=dict)
    refused: list[CurationError] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused

    def __str__(self) -> str:
        lines = [f"Loaded {count} rows from {name}." for name, count in self.loaded.items()]
        lines += [f"Waiting for an item not stored yet: {row}" for row in self.pending]
        lines += [str(error) for error in self.refused]
        return "\n".join(lines)


def campaign_event_id(date: str, title: str) -> str:
    """A stable id from the date and title, so re-loading the file changes nothing."""
    slug = "-".join(_SLUG_WORDS.findall(title.lower()))[:60].rstrip("-")
    return f"{CAMPAIGN_SOURCE}:{date}-{slug}"


# --- Reading and checking a file ---------------------------------------------------------


@dataclass
class _Row:
    line: int
    values: dict[str, str]


class _Checker:
    """Reads one CSV file and collects every problem with its line number."""

    def __init__(self, path: Path, columns: tuple[str, ...], required: tuple[str, ...]) -> None:
        self.path = path
        self.columns = columns
        self.required = required
        self.problems: list[str] = []

    def problem(self, line: int, reason: str) -> None:
        self.problems.append(f"{self.path}:{line}: {reason}")

    def rows(self) -> Iterator[_Row]:
        try:
            handle = self.path.open(encoding="utf-8-sig", newline="")
        except OSError as error:
            self.problem(0, f"cannot read the file: {error.strerror}")
            return
        with handle:
            reader = csv.reader(handle)
            header = [name.strip().lower() for name in next(reader, [])]
            missing = [name for name in self.columns if name not in header]
            unknown = [name for name in header if name not in self.columns]
            if missing or unknown:
                expected = ",".join(self.columns)
                self.problem(1, f"the first line must name the columns {expected}")
                return
            for values in reader:
                if not any(value.strip() for value in values):
                    continue
                if len(values) != len(header):
                    self.problem(
                        reader.line_num,
                        f"expected {len(header)} values, found {len(values)} "
                        "(a comma inside a value needs the value in double quotes)",
                    )
                    continue
                row = dict(zip(header, (value.strip() for value in values), strict=True))
                empty = [name for name in self.required if not row[name]]
                if empty:
                    self.problem(reader.line_num, f"missing {', '.join(empty)}")
                    continue
                yield _Row(reader.line_num, row)

    def refuse_if_any(self) -> None:
        if self.problems:
            raise CurationError(self.path, self.problems)


def _split_slugs(value: str) -> list[str]:
    return [slug for slug in re.split(r"[\s,;]+", value) if slug]


def _check_slugs(checker: _Checker, row: _Row, slugs: list[str], rules: CampaignRules) -> bool:
    unknown = [slug for slug in slugs if slug not in rules.slugs]
    if unknown:
        known = ", ".join(rules.slugs)
        checker.problem(row.line, f"unknown campaign {', '.join(unknown)} (known: {known})")
        return False
    return True


def read_campaign_events(path: Path, rules: CampaignRules) -> list[Document]:
    """The campaign's own events as Documents, or CurationError listing every mistake."""
    checker = _Checker(path, ("date", "title", "summary", "url", "campaigns"), ("date", "title"))
    documents: dict[str, tuple[int, Document]] = {}
    for row in checker.rows():
        document = _campaign_event(checker, row, rules)
        if document is None:
            continue
        if document.id in documents:
            first = documents[document.id][0]
            checker.problem(row.line, f"same date and title as line {first}")
            continue
        documents[document.id] = (row.line, document)
    checker.refuse_if_any()
    return [document for _, document in documents.values()]


def _campaign_event(checker: _Checker, row: _Row, rules: CampaignRules) -> Document | None:
    """One row as a Document, or None having noted what is wrong with it."""
    values = row.values
    try:
        date = normalise_date(values["date"])
    except UnreadableDate as error:
        checker.problem(row.line, f"bad date: {error}")
        return None
    if values["url"] and not values["url"].startswith(("https://", "http://")):
        checker.problem(row.line, "url must start with https:// or http://")
        return None
    slugs = _split_slugs(values["campaigns"])
    if not slugs:
        checker.problem(row.line, "name at least one campaign")
        return None
    if not _check_slugs(checker, row, slugs, rules):
        return None
    item_id = campaign_event_id(date, values["title"])
    return Document(
        id=item_id,
        source=CAMPAIGN_SOURCE,
        doc_type="campaign_event",
        title=values["title"],
        summary=values["summary"],
        url=values["url"],
        events=[Event("campaign_event", date)],
        cites=cited_by(item_id, document_text(values["title"], values["summary"], "")),
        campaigns=[Tag(slug, LISTED_RULE) for slug in slugs],
    )


def read_tag_overrides(
    path: Path, rules: CampaignRules, item_exists: Callable[[str], bool], pending: list[str]
) -> list[dict[str, str]]:
    checker = _Checker(
        path, ("item_id", "campaign", "action", "reason"), ("item_id", "campaign", "action")
    )
    overrides: dict[tuple[str, str], int] = {}
    rows = []
    for row in checker.rows():
        values = row.values
        action = values["action"].lower()
        if action not in ("add", "remove"):
            checker.problem(row.line, f"action must be add or remove, not {values['action']!r}")
            continue
        if not _check_slugs(checker, row, [values["campaign"]], rules):
            continue
        if not _known_item(checker, row, values["item_id"], item_exists, pending):
            continue
        key = (values["item_id"], values["campaign"])
        if key in overrides:
            checker.problem(
                row.line, f"this item and campaign are already on line {overrides[key]}"
            )
            continue
        overrides[key] = row.line
        rows.append({**values, "action": action})
    checker.refuse_if_any()
    return rows


def read_notes(
    path: Path, item_exists: Callable[[str], bool], pending: list[str]
) -> list[dict[str, str]]:
    checker = _Checker(path, ("item_id", "note", "author"), ("item_id", "note"))
    seen: dict[str, int] = {}
    rows = []
    for row in checker.rows():
        item_id = row.values["item_id"]
        if not _known_item(checker, row, item_id, item_exists, pending):
            continue
        if item_id in seen:
            checker.problem(row.line, f"this item already has a note on line {seen[item_id]}")
            continue
        seen[item_id] = row.line
        rows.append(row.values)
    checker.refuse_if_any()
    return rows


def _known_item(
    checker: _Checker,
    row: _Row,
    item_id: str,
    item_exists: Callable[[str], bool],
    pending: list[str],
) -> bool:
    """Whether the row's item is stored. An id of a known source's form that is not
    stored yet is pending (its row loads once a crawl stores it); anything else is a
    mistake."""
    if item_exists(item_id):
        return True
    source, _, key = item_id.partition(":")
    if key and source in SOURCE_NAMES:
        pending.append(f"{checker.path}:{row.line}: {item_id}")
    else:
        known = ", ".join(sorted(SOURCE_NAMES))
        checker.problem(row.line, f"unknown item id {item_id!r} (ids start with a source: {known})")
    return False


# --- Applying the files --------------------------------------------------------------


def apply_curation(
    db: sqlite_utils.Database, rules: CampaignRules, data_dir: str | Path
) -> CurationReport:
    """Load every staff file that is present; each is applied whole or not at all.

    Campaign events go first, so overrides and notes may refer to them.
    """
    data_dir = Path(data_dir)
    store = TimelineStore(db)
    with db.atomic():
        store.sync_campaigns(rules.campaign_rows())
    report = CurationReport()
    steps: list[tuple[str, Callable[[Path], int]]] = [
        (EVENTS_FILE, lambda path: _load_events(store, read_campaign_events(path, rules))),
        (
            OVERRIDES_FILE,
            lambda path: _replace(
                store,
                "tag_overrides",
                read_tag_overrides(path, rules, store.item_exists, report.pending),
            ),
        ),
        (
            NOTES_FILE,
            lambda path: _replace(
                store, "notes", read_notes(path, store.item_exists, report.pending)
            ),
        ),
    ]
    for name, load in steps:
        path = data_dir / name
        if not path.exists():
            continue
        try:
            report.loaded[name] = load(path)
        except CurationError as error:
            report.refused.append(error)
    return report


def _load_events(store: TimelineStore, documents: list[Document]) -> int:
    """Make the stored campaign events exactly those in the file.

    The file is the campaign's own record (kept in version control), so an event taken
    out of it is taken off the timeline too.
    """
    keep = {document.id for document in documents}
    seen_at = utc_now()
    with store.db.atomic():
        for document in documents:
            store.write(document, seen_at)
        store.remove_items(store.item_ids_of_source(CAMPAIGN_SOURCE) - keep)
    return len(documents)


def _replace(store: TimelineStore, table: str, rows: list[dict[str, str]]) -> int:
    """Swap a staff table's rows for the file's, in one transaction."""
    with store.db.atomic():
        store.replace_rows(table, rows)
    return len(rows)
