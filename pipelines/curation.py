"""Staff curation: the campaign's own events, tag overrides and notes, from plain files.

Staff keep three CSV files in `data/` (edited in a text editor or a spreadsheet). Each
file is checked completely before anything is written; a file with any mistake is
refused with every mistake listed by line, and what was published from it before stays
exactly as it was. A file that passes replaces what was loaded from it before, in one
transaction, so nothing is ever half-applied.

Staff mistakes are expected, and none of them loses anything:
- a file saved by Excel on Windows (cp1252) or with a byte-order mark reads as well as
  UTF-8; a file in no common encoding, or with an over-long field, is refused with its
  line, and the other files still load;
- a campaign event keeps its id when its title (or its date) is edited, so its note and
  tag overrides stay with it; an explicit `id` column fixes it for good;
- a file that would take most of what it published off the timeline (a file left with
  only its header, say) is refused, saying what it would remove, unless the removal is
  confirmed (`scrapy curate --confirm-removals`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
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
#: A file may take at most this share of what it published off the timeline without the
#: removal being confirmed (so never all of it).
MOST_REMOVED_UNCONFIRMED = 0.5
#: Encodings a staff file is read in, in order: UTF-8 (with or without a byte-order
#: mark), then Windows' own (what Excel saves as "CSV" on Windows).
ENCODINGS = ("utf-8-sig", "cp1252")
EVENT_COLUMNS = ("date", "title", "summary", "url", "campaigns")

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
    #: Campaign events whose title or date was edited, and kept their id.
    kept_ids: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused

    def __str__(self) -> str:
        lines = [f"Loaded {count} rows from {name}." for name, count in self.loaded.items()]
        lines += [f"Kept the id of an edited campaign event: {kept}" for kept in self.kept_ids]
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

    def __init__(
        self,
        path: Path,
        columns: tuple[str, ...],
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
    ) -> None:
        self.path = path
        self.columns = columns
        self.required = required
        self.optional = optional
        self.problems: list[str] = []

    def problem(self, line: int, reason: str) -> None:
        self.problems.append(f"{self.path}:{line}: {reason}")

    def rows(self) -> Iterator[_Row]:
        text = self.text()
        if text is None:
            return
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = [name.strip().lower() for name in next(reader, [])]
            if not self.header_ok(header):
                return
            for values in reader:
                row = self.row(reader.line_num, header, values)
                if row is not None:
                    yield row
        except csv.Error as error:
            self.problem(reader.line_num, f"cannot read this line as CSV: {error}")

    def text(self) -> str | None:
        """The file's text in the first common encoding that reads it, or None having
        said why not."""
        try:
            data = self.path.read_bytes()
        except OSError as error:
            self.problem(0, f"cannot read the file: {error.strerror}")
            return None
        first_error: UnicodeDecodeError | None = None
        for encoding in ENCODINGS:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                first_error = first_error or error
        assert first_error is not None
        line = data[: first_error.start].count(b"\n") + 1
        self.problem(
            line,
            f"byte {data[first_error.start]:#x} is not text in UTF-8 or Windows-1252: "
            "save the file as “CSV UTF-8”",
        )
        return None

    def header_ok(self, header: list[str]) -> bool:
        missing = [name for name in self.columns if name not in header]
        unknown = [name for name in header if name not in (*self.columns, *self.optional)]
        if missing or unknown:
            expected = ",".join(self.columns)
            self.problem(1, f"the first line must name the columns {expected}")
            return False
        return True

    def row(self, line: int, header: list[str], values: list[str]) -> _Row | None:
        if not any(value.strip() for value in values):
            return None
        if len(values) != len(header):
            self.problem(
                line,
                f"expected {len(header)} values, found {len(values)} "
                "(a comma inside a value needs the value in double quotes)",
            )
            return None
        row = dict(zip(header, (value.strip() for value in values), strict=True))
        empty = [name for name in self.required if not row[name]]
        if empty:
            self.problem(line, f"missing {', '.join(empty)}")
            return None
        return _Row(line, row)

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
    """The campaign's own events as Documents, or CurationError listing every mistake.

    A row's id is its `id` column when the file has one and the row fills it in, and
    otherwise made from its date and title (see `keep_edited_ids`)."""
    checker = _Checker(path, EVENT_COLUMNS, ("date", "title"), optional=("id",))
    documents: dict[str, tuple[int, Document]] = {}
    for row in checker.rows():
        document = _campaign_event(checker, row, rules)
        if document is None:
            continue
        if document.id in documents:
            first = documents[document.id][0]
            checker.problem(row.line, f"same id, or date and title, as line {first}")
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
    item_id = values.get("id") or campaign_event_id(date, values["title"])
    if not re.fullmatch(rf"{CAMPAIGN_SOURCE}:[a-z0-9][a-z0-9-]*", item_id):
        checker.problem(
            row.line, f"id must be {CAMPAIGN_SOURCE}: then lower-case letters, digits and -"
        )
        return None
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
    db: sqlite_utils.Database,
    rules: CampaignRules,
    data_dir: str | Path,
    *,
    confirm_removals: bool = False,
) -> CurationReport:
    """Load every staff file that is present; each is applied whole or not at all.

    Campaign events go first, so overrides and notes may refer to them. A file that
    would remove most of what it published is refused unless `confirm_removals`.
    """
    data_dir = Path(data_dir)
    store = TimelineStore(db)
    with db.atomic():
        store.sync_campaigns(rules.campaign_rows())
    report = CurationReport()
    loader = _Loader(store, rules, confirm_removals, report)
    steps: list[tuple[str, Callable[[Path], int]]] = [
        (EVENTS_FILE, loader.events_file),
        (OVERRIDES_FILE, loader.overrides_file),
        (NOTES_FILE, loader.notes_file),
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


@dataclass
class _Loader:
    """Writes checked staff files, keeping ids of edited events and refusing removals of
    most of what a file published unless confirmed."""

    store: TimelineStore
    rules: CampaignRules
    confirm_removals: bool
    report: CurationReport

    def events_file(self, path: Path) -> int:
        return self.events(path, read_campaign_events(path, self.rules))

    def overrides_file(self, path: Path) -> int:
        overrides = read_tag_overrides(
            path, self.rules, self.store.item_exists, self.report.pending
        )
        return self.rows(path, "tag_overrides", ("item_id", "campaign"), overrides)

    def notes_file(self, path: Path) -> int:
        notes = read_notes(path, self.store.item_exists, self.report.pending)
        return self.rows(path, "notes", ("item_id",), notes)

    def events(self, path: Path, documents: list[Document]) -> int:
        """Make the stored campaign events exactly those in the file.

        The file is the campaign's own record (kept in version control), so an event
        taken out of it is taken off the timeline too.
        """
        stored = self.store.titles_and_dates_of_source(CAMPAIGN_SOURCE)
        documents = keep_edited_ids(documents, stored, self.report.kept_ids)
        removed = set(stored) - {document.id for document in documents}
        self.refuse_most_removed(
            path, len(stored), [f"“{stored[item_id][0]}”" for item_id in sorted(removed)]
        )
        seen_at = utc_now()
        with self.store.db.atomic():
            for document in documents:
                self.store.write(document, seen_at)
            self.store.remove_items(removed)
        return len(documents)

    def rows(self, path: Path, table: str, key: tuple[str, ...], rows: list[dict[str, str]]) -> int:
        """Swap a staff table's rows for the file's, in one transaction."""
        stored = self.store.row_keys(table, key)
        removed = stored - {tuple(row[column] for column in key) for row in rows}
        self.refuse_most_removed(path, len(stored), [" / ".join(k) for k in sorted(removed)])
        with self.store.db.atomic():
            self.store.replace_rows(table, rows)
        return len(rows)

    def refuse_most_removed(self, path: Path, published: int, removed: list[str]) -> None:
        if self.confirm_removals or len(removed) <= published * MOST_REMOVED_UNCONFIRMED:
            return
        more = len(removed) - 5
        shown = ", ".join(removed[:5]) + (f" and {more} more" if more > 0 else "")
        raise CurationError(
            path,
            [
                f"{path}: this would take {len(removed)} of the {published} rows it published "
                f"off the timeline ({shown}). If that is meant, run "
                "`scrapy curate --confirm-removals`."
            ],
        )


def keep_edited_ids(
    documents: list[Document], stored: dict[str, tuple[str, str]], kept: list[str]
) -> list[Document]:
    """Campaign events whose title or date was edited keep their stored id.

    An event without an explicit id is named by its date and title, so editing either
    would make it a new event and lose its note and overrides. A row whose made-up id is
    not stored takes the id of the one stored event, not claimed by another row, with
    the same date or the same title. What was kept is added to `kept`.
    """
    claimed = {document.id for document in documents}
    result = []
    for document in documents:
        date = document.events[0].date
        derived = campaign_event_id(date, document.title)
        if document.id != derived or document.id in stored:
            result.append(document)
            continue
        candidates = [
            item_id
            for item_id, (title, day) in stored.items()
            if item_id not in claimed
            and (day == date or title.casefold() == document.title.casefold())
        ]
        if len(candidates) != 1:
            result.append(document)
            continue
        claimed.add(candidates[0])
        kept.append(f"“{document.title}” is still {candidates[0]}")
        result.append(replace(document, id=candidates[0]))
    return result
