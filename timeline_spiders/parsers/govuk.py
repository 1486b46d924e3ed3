"""GOV.UK Search API pages and Content API items: bytes in, `SearchPage`/`Document` out.

Two public endpoints feed the DfE part of the timeline (see FORMAT-govuk.md):

* `https://www.gov.uk/api/search.json` finds candidate documents. We only need the
  paths to fetch next and enough to page (`start`/`count` against `total`).
* `https://www.gov.uk/api/content<base_path>` gives one content item: the page's
  HTML body, its attachments and its public change history. The change history is
  what turns a guidance page into dated timeline events, and the visible content is
  what we fingerprint to notice silent edits that DfE did not note.

Everything here is pure so it can be tested against fixtures and reused offline.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from timeline_spiders.items import Document, Event
from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.reading import (
    Record,
    html_to_text,
    load_json,
    load_json_record,
    squash,
)

GOVUK_ORIGIN = "https://www.gov.uk"
#: Where GOV.UK serves uploaded files; the same path on www.gov.uk redirects here.
ASSETS_ORIGIN = "https://assets.publishing.service.gov.uk"
SOURCE = "govuk"

# Hosts whose paths are GOV.UK base paths. Search results for "recommended links"
# point elsewhere and have no content item, so they are dropped rather than guessed.
_GOVUK_HOSTS = frozenset({"www.gov.uk", "gov.uk"})
_ASSET_HOSTS = frozenset({"www.gov.uk", "gov.uk", "assets.publishing.service.gov.uk"})
_UPLOADS = "/government/uploads/"

# Items the content store answers with that are not documents.
_NOT_DOCUMENT_SCHEMAS = {
    "redirect": "is a redirect; use redirect_target() and fetch the destination",
    "gone": "is gone (HTTP 410): the page was removed from GOV.UK",
    "vanish": "has vanished (HTTP 404): the page was removed from GOV.UK",
}

_FIRST_PUBLISHED_NOTE = re.compile(r"^\s*first\s+publish", re.IGNORECASE)


@dataclass(frozen=True)
class SearchPage:
    """One page of Search API results, reduced to what the spider needs to crawl on.

    `count` is the number of results on this page (not the number of paths kept), so
    `start + count < total` stays a correct "there is another page" test even when
    some results were dropped for pointing off GOV.UK. `oldest` is the UTC day of the
    oldest `public_timestamp` on the page (None if no result has one): with results
    newest first, an incremental crawl stops paging once it is before its start day.
    """

    base_paths: list[str]
    total: int
    count: int
    start: int = 0
    oldest: date | None = None

    @property
    def next_start(self) -> int | None:
        """Offset for the next request, or None once this page reaches the end."""
        if self.count == 0:
            return None
        following = self.start + self.count
        return following if following < self.total else None


def parse_search_page(body: bytes) -> SearchPage:
    """Read a `search.json` response into base paths to fetch from the Content API.

    Result `link`s are usually paths, sometimes without their leading slash (as the
    Search API's own field definitions warn), sometimes absolute URLs: GOV.UK ones are
    reduced to their path, other hosts are skipped (nothing to fetch from the Content
    API). Paths are de-duplicated in result order.
    """
    page = load_json_record(body, "GOV.UK search page")
    results = page.required_records("results")
    base_paths: dict[str, None] = {}
    days: list[date] = []
    for result in results:
        path = _govuk_path(result.text("link"))
        if path:
            base_paths[path] = None
        published = _parse_timestamp(result.text("public_timestamp"))
        if published is not None:
            days.append(published.date())
    return SearchPage(
        base_paths=list(base_paths),
        total=page.required_integer("total"),
        count=len(results),
        start=page.integer("start") or 0,
        oldest=min(days, default=None),
    )


@dataclass(frozen=True)
class Redirect:
    """A content item that only points elsewhere: a GOV.UK base path or an off-site URL."""

    destination: str


def parse_content_response(body: bytes) -> Document | Redirect:
    """What the Content API served at a path: a document, or a redirect to follow.

    A redirect item without a usable destination is malformed, like any other body
    that is not a document.
    """
    destination = redirect_target(body)
    return Redirect(destination) if destination else parse_content_item(body)


def redirect_target(body: bytes) -> str | None:
    """Where a `schema_name: "redirect"` content item points, else None.

    The content store serves redirect items at their own path with a `redirects`
    list; the spider should follow the entry for the item's own base path. A GOV.UK
    destination comes back as a bare path (query and fragment dropped, as the
    Content API is keyed by path); an off-site destination comes back as the full URL.
    """
    item = load_json_record(body, "GOV.UK content item")
    if "redirect" not in (item.text("schema_name"), item.text("document_type")):
        return None
    redirects = item.records("redirects")
    if not redirects:
        return None
    base_path = item.text("base_path")
    chosen = next((r for r in redirects if r.text("path") == base_path), redirects[0])
    destination = chosen.text("destination")
    if not destination:
        return None
    return _govuk_path(destination) or destination


def gone_alternative(body: bytes) -> str | None:
    """The page a removed item's body sends readers to (`details.alternative_path`), as a
    GOV.UK base path, or None. Bodies that are not a gone item say nothing."""
    try:
        data = load_json(body, "GOV.UK gone item")
    except MalformedResponse:
        return None
    if not isinstance(data, dict) or data.get("schema_name") not in ("gone", "vanish"):
        return None
    details = data.get("details")
    alternative = details.get("alternative_path") if isinstance(details, dict) else None
    return _govuk_path(alternative) if isinstance(alternative, str) else None


def parse_content_item(body: bytes) -> Document:
    """Turn one Content API item into a `Document` with its publication events.

    Events come from the public record rather than from when we happened to crawl:
    first publication, each later change-history note (or manual change note), and
    the withdrawal notice. Redirect and gone items raise `MalformedResponse` because
    they describe a path, not a document.
    """
    item = load_json_record(body, "GOV.UK content item")
    base_path, document_type, schema_name = _identity(item)
    details = item.record("details") or Record({}, "GOV.UK content item.details")
    attachments, changes = _attachments(details), _change_entries(details)
    first_published = _first_published(item, details, changes)
    notice = _withdrawn_notice(item, details)
    document = Document(
        id=document_id(base_path),
        source=SOURCE,
        doc_type=document_type or "unknown",
        title=item.required_text("title"),
        url=canonical_url(base_path),
        summary=item.text("description"),
        body=_full_text(details, attachments),
        events=_events(first_published, changes, notice),
        metadata={
            "content_id": item.text("content_id"),
            "document_type": document_type,
            "schema_name": schema_name,
            "organisations": _organisations(item, details),
            "attachments": attachments,
            "public_updated_at": item.text("public_updated_at"),
            "first_published_at": first_published,
            "withdrawn": notice is not None,
            "change_note_count": _change_note_count(details),
        },
        # A silent edit (new fingerprint, no new change note) becomes an update event.
        silent_change_kind="guidance_updated",
    )
    document.fingerprint = content_fingerprint(document)
    return document


def document_id(base_path: str) -> str:
    """The timeline's stable id for the GOV.UK page at `base_path`."""
    return f"{SOURCE}:{base_path}"


def canonical_url(base_path: str) -> str:
    """The public page URL for `base_path`."""
    return f"{GOVUK_ORIGIN}{base_path}"


def content_fingerprint(document: Document) -> str:
    """SHA-256 of what a reader of the page sees, ignoring every timestamp.

    Re-publishing or re-crawling an unchanged page keeps the hash; an edit to the
    title, summary, body or attachments changes it even when DfE added no change
    note, which is exactly the silent change the timeline wants to surface. An
    attachment counts by its title and the file it is (`attachment_key`), not by how the
    API happened to describe it, so a move from rendered HTML to attachment objects, or
    from www.gov.uk to the assets host, is no change.
    """
    attachments = [
        [squash(str(a.get("title", ""))), attachment_key(str(a.get("url", "")))]
        for a in document.metadata.get("attachments") or []
        if isinstance(a, dict)
    ]
    payload = {
        "title": squash(document.title),
        "summary": squash(document.summary),
        "body": squash(_body_without_attachment_titles(document.body)),
        "attachments": sorted(attachments),
    }
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def attachment_key(url: str) -> str:
    """What identifies an attachment's file whichever host or form links it: its path
    for GOV.UK uploads (`/government/uploads/.../file/486440/x.pdf`), else the URL."""
    parts = urlsplit(url)
    if parts.netloc.lower() in _ASSET_HOSTS and parts.path.startswith((_UPLOADS, "/media/")):
        return parts.path
    return url


# --- helpers -------------------------------------------------------------------------

#: Separates the page's text from its attachments' titles in `Document.body`.
_ATTACHMENTS_HEADING = "\n\nAttachments:\n"


def _first_published(item: Record, details: Record, changes: list[tuple[str, str]]) -> str:
    """When the page was first published: older captures keep it only in details, and a
    few only in the oldest change note or the last update."""
    return (
        item.text("first_published_at")
        or details.text("first_public_at")
        or (changes[0][0] if changes else "")
        or item.text("public_updated_at")
    )


def _change_note_count(details: Record) -> int:
    return len(details.array("change_history")) or len(details.array("change_notes"))


def _identity(item: Record) -> tuple[str, str, str]:
    """(base path, document type, schema name), or MalformedResponse for items that
    describe a path rather than a document."""
    schema_name = item.text("schema_name") or item.text("format")
    document_type = item.text("document_type") or schema_name
    base_path = item.text("base_path")
    for not_document in (schema_name, document_type):
        if not_document in _NOT_DOCUMENT_SCHEMAS:
            raise MalformedResponse(
                f"GOV.UK content item {base_path or '(no base_path)'} "
                f"{_NOT_DOCUMENT_SCHEMAS[not_document]}"
            )
    if not base_path.startswith("/"):
        raise MalformedResponse("GOV.UK content item has no base_path")
    return base_path, document_type, schema_name


def _full_text(details: Record, attachments: list[dict[str, str]]) -> str:
    """The page's text, then its attachments' titles (they are searchable words too)."""
    text = html_to_text(_body_html(details))
    titles = "\n".join(a["title"] for a in attachments if a["title"])
    return f"{text}{_ATTACHMENTS_HEADING}{titles}" if titles else text


def _body_without_attachment_titles(body: str) -> str:
    return body.split(_ATTACHMENTS_HEADING, 1)[0]


def _events(
    first_published: str, changes: list[tuple[str, str]], notice: Record | None
) -> list[Event]:
    events: list[Event] = []
    if first_published:
        events.append(Event(kind="guidance_published", date=first_published))
    events.extend(_update_events(changes, first_published))
    if notice is not None and notice.text("withdrawn_at"):
        events.append(
            Event(
                kind="guidance_withdrawn",
                date=notice.text("withdrawn_at"),
                summary=_text_with_links(notice.text("explanation")),
            )
        )
    return events


def _govuk_path(link: str) -> str:
    """Path of a GOV.UK link (relative, with or without its leading slash, or absolute);
    "" for other hosts or anything else."""
    link = link.strip()
    if not link:
        return ""
    parts = urlsplit(link)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return ""
    if parts.netloc:
        return parts.path if parts.netloc.lower() in _GOVUK_HOSTS else ""
    if parts.scheme:
        return ""
    return parts.path if parts.path.startswith("/") else f"/{parts.path}"


def _absolute_url(url: str) -> str:
    """Public absolute URL: relative paths resolve on www.gov.uk; http becomes https;
    uploaded files are given on the assets host GOV.UK serves them from."""
    if not url:
        return ""
    absolute = urljoin(f"{GOVUK_ORIGIN}/", url)
    if absolute.startswith("http://"):
        absolute = "https://" + absolute[len("http://") :]
    parts = urlsplit(absolute)
    if parts.netloc.lower() in _GOVUK_HOSTS and parts.path.startswith(_UPLOADS):
        return f"{ASSETS_ORIGIN}{parts.path}"
    return absolute


def _body_html(details: Record) -> str:
    """details.body is HTML; some schemas send a list of {content_type, content}."""
    if isinstance(details.values.get("body"), str):
        return details.text("body")
    for part in details.records("body"):
        if part.text("content_type") == "text/html":
            return part.text("content")
    return ""


def _text_with_links(html: str) -> str:
    """Plain text of an explanation, each link's address kept after its words: a
    withdrawal notice that says "read the new guidance" must say where it is."""
    if not html:
        return ""
    soup = BeautifulSoup(html, "html.parser")
    for link in soup.find_all("a", href=True):
        href = _absolute_url(str(link["href"]))
        if href and href not in link.get_text():
            link.append(f" ({href})")
    return html_to_text(str(soup))


def _attachments(details: Record) -> list[dict[str, str]]:
    """Attachments as {title, url, content_type}, preferring structured objects.

    Current items carry `details.attachments` (objects); older captures only have
    `details.documents`, a list of rendered HTML blocks, so we read the title link
    out of each block. When both exist they describe the same files, so the
    structured list wins and the HTML is ignored.
    """
    found = [_attachment(item) for item in details.records("attachments")]
    if not found:
        for block in details.texts("documents"):
            found.extend(_attachments_from_html(block))
    unique: dict[tuple[str, str], dict[str, str]] = {}
    for item in found:
        key = (item["title"], attachment_key(item["url"]))
        if key not in unique and (item["title"] or item["url"]):
            unique[key] = item
    return list(unique.values())


def _attachment(item: Record) -> dict[str, str]:
    url = _absolute_url(item.text("url"))
    content_type = item.text("content_type")
    if not content_type and item.text("attachment_type") == "html":
        content_type = "text/html"
    return {
        "title": item.text("title"),
        "url": url,
        "content_type": content_type or _guess_type(url),
    }


def _attachments_from_html(block: str) -> list[dict[str, str]]:
    soup = BeautifulSoup(block, "html.parser")
    sections = soup.select("section.attachment") or [soup]
    found = []
    for section in sections:
        link = section.select_one(".title a[href]") or next(
            (a for a in section.select("a[href]") if a.get_text(strip=True)), None
        )
        if link is None:
            continue
        url = _absolute_url(str(link.get("href", "")))
        found.append(
            {
                "title": " ".join(link.get_text(" ").split()),
                "url": url,
                "content_type": _guess_type(url),
            }
        )
    return found


def _guess_type(url: str) -> str:
    guessed, _ = mimetypes.guess_type(urlsplit(url).path)
    return guessed or ""


def _parse_timestamp(value: str) -> datetime | None:
    """Aware UTC datetime for an ISO 8601 stamp (naive ones are taken as UTC)."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _sort_key(timestamp: str) -> tuple[int, float, str]:
    """Chronological order; unparseable stamps sort last but stay in the output."""
    parsed = _parse_timestamp(timestamp)
    if parsed is None:
        return (1, 0.0, timestamp)
    return (0, parsed.timestamp(), timestamp)


def _change_entries(details: Record) -> list[tuple[str, str]]:
    """(timestamp, note) pairs, oldest first, from change_history or manual change_notes.

    Whitehall items list `{public_timestamp, note}` newest first. Manuals list
    `{published_at, title, change_note}` per section, often several per publication,
    so the section title is kept in the note.
    """
    entries = [
        (item.text("public_timestamp"), item.text("note"))
        for item in details.records("change_history")
        if item.text("public_timestamp")
    ]
    if not entries:
        for item in details.records("change_notes"):
            if item.text("published_at"):
                note, section = item.text("change_note"), item.text("title")
                entries.append(
                    (item.text("published_at"), f"{section}: {note}" if section else note)
                )
    return sorted(entries, key=lambda entry: _sort_key(entry[0]))


def _same_moment(left: str, right: str) -> bool:
    a, b = _parse_timestamp(left), _parse_timestamp(right)
    return left == right if a is None or b is None else a == b


def _same_day(left: str, right: str) -> bool:
    """Same UTC calendar day; GOV.UK stamps one publication with slightly different times."""
    a, b = _parse_timestamp(left), _parse_timestamp(right)
    return left[:10] == right[:10] if a is None or b is None else a.date() == b.date()


def _update_events(changes: list[tuple[str, str]], first_published: str) -> list[Event]:
    """One `guidance_updated` event per distinct change time after first publication.

    The oldest entry is normally "First published." and is already the
    `guidance_published` event, so it is skipped when it says so or falls on the first
    publication time. Notes sharing a timestamp (a manual publishing several sections
    at once) become one event, keyed by that timestamp so event ids stay unique.
    """
    grouped: list[tuple[str, list[str]]] = []
    for timestamp, note in changes:
        if grouped and _same_moment(grouped[-1][0], timestamp):
            grouped[-1][1].append(note)
        else:
            grouped.append((timestamp, [note]))
    if grouped:
        oldest_time, oldest_notes = grouped[0]
        is_first = any(_FIRST_PUBLISHED_NOTE.match(n) for n in oldest_notes) or (
            bool(first_published) and _same_day(oldest_time, first_published)
        )
        if is_first:
            grouped = grouped[1:]
    return [
        Event(
            kind="guidance_updated",
            date=timestamp,
            key=timestamp,
            summary="\n".join(note for note in notes if note),
        )
        for timestamp, notes in grouped
    ]


def _withdrawn_notice(item: Record, details: Record) -> Record | None:
    """The withdrawal notice, or None when live (the API sends `{}` for live items).

    Current items put it at the top level; some older captures only had it in details.
    """
    for candidate in (item.record("withdrawn_notice"), details.record("withdrawn_notice")):
        if candidate is not None and (
            candidate.text("withdrawn_at") or candidate.text("explanation")
        ):
            return candidate
    return None


def _organisations(item: Record, details: Record) -> list[str]:
    """Organisation titles from links (expanded), falling back to a manual's own list."""
    links = item.record("links") or Record({}, "links")
    for listed in (
        links.records("organisations"),
        links.records("primary_publishing_organisation"),
        links.records("lead_organisations"),
        details.records("organisations"),
    ):
        titles = list(dict.fromkeys(org.text("title") for org in listed if org.text("title")))
        if titles:
            return titles
    return []
