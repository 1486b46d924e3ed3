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
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from timeline_spiders.items import Document, Event
from timeline_spiders.parsers import MalformedResponse

GOVUK_ORIGIN = "https://www.gov.uk"
SOURCE = "govuk"

# Hosts whose paths are GOV.UK base paths. Search results for "recommended links"
# point elsewhere and have no content item, so they are dropped rather than guessed.
_GOVUK_HOSTS = frozenset({"www.gov.uk", "gov.uk"})

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

    Result `link`s are usually paths, but some are absolute URLs: GOV.UK ones are
    reduced to their path, other hosts are skipped (nothing to fetch from the
    Content API). Paths are de-duplicated in result order.
    """
    data = _load_json(body, "GOV.UK search page")
    results = data.get("results")
    if not isinstance(results, list):
        raise MalformedResponse("GOV.UK search page has no 'results' list")
    total = data.get("total")
    if not isinstance(total, int) or isinstance(total, bool):
        raise MalformedResponse("GOV.UK search page has no integer 'total'")
    start = data.get("start", 0)
    if not isinstance(start, int) or isinstance(start, bool):
        start = 0

    base_paths: list[str] = []
    days: list[date] = []
    for result in results:
        if not isinstance(result, dict):
            continue
        path = _govuk_path(result.get("link"))
        if path and path not in base_paths:
            base_paths.append(path)
        published = _parse_timestamp(_text(result.get("public_timestamp")))
        if published is not None:
            days.append(published.date())
    return SearchPage(
        base_paths=base_paths,
        total=total,
        count=len(results),
        start=start,
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
    data = _load_json(body, "GOV.UK content item")
    if data.get("schema_name") != "redirect" and data.get("document_type") != "redirect":
        return None
    redirects = [r for r in data.get("redirects") or [] if isinstance(r, dict)]
    if not redirects:
        return None
    base_path = data.get("base_path")
    chosen = next((r for r in redirects if r.get("path") == base_path), redirects[0])
    destination = chosen.get("destination")
    if not isinstance(destination, str) or not destination.strip():
        return None
    destination = destination.strip()
    path = _govuk_path(destination)
    return path if path else destination


def parse_content_item(body: bytes) -> Document:
    """Turn one Content API item into a `Document` with its publication events.

    Events come from the public record rather than from when we happened to crawl:
    first publication, each later change-history note (or manual change note), and
    the withdrawal notice. Redirect and gone items raise `MalformedResponse` because
    they describe a path, not a document.
    """
    data = _load_json(body, "GOV.UK content item")
    schema_name = _text(data.get("schema_name")) or _text(data.get("format"))
    document_type = _text(data.get("document_type")) or schema_name
    base_path = data.get("base_path")
    for not_document in (schema_name, document_type):
        if not_document in _NOT_DOCUMENT_SCHEMAS:
            raise MalformedResponse(
                f"GOV.UK content item {base_path or '(no base_path)'} "
                f"{_NOT_DOCUMENT_SCHEMAS[not_document]}"
            )
    if not isinstance(base_path, str) or not base_path.startswith("/"):
        raise MalformedResponse("GOV.UK content item has no base_path")
    title = _text(data.get("title"))
    if not title:
        raise MalformedResponse(f"GOV.UK content item {base_path} has no title")

    details = data.get("details") if isinstance(data.get("details"), dict) else {}
    attachments = _attachments(details)
    body_text = _html_to_text(_body_html(details.get("body")))
    attachment_titles = "\n".join(a["title"] for a in attachments if a["title"])
    full_text = "\n\n".join(part for part in (body_text, attachment_titles) if part)

    changes = _change_entries(details)
    first_published = (
        _text(data.get("first_published_at"))
        or _text(details.get("first_public_at"))
        or (changes[0][0] if changes else "")
        or _text(data.get("public_updated_at"))
    )
    events: list[Event] = []
    if first_published:
        events.append(Event(kind="guidance_published", date=first_published))
    events.extend(_update_events(changes, first_published))

    withdrawn_notice = _withdrawn_notice(data, details)
    withdrawn = bool(withdrawn_notice)
    withdrawn_at = _text(withdrawn_notice.get("withdrawn_at"))
    if withdrawn_at:
        events.append(
            Event(
                kind="guidance_withdrawn",
                date=withdrawn_at,
                summary=_html_to_text(_text(withdrawn_notice.get("explanation"))),
            )
        )

    raw_change_count = len(_list(details.get("change_history"))) or len(
        _list(details.get("change_notes"))
    )
    document = Document(
        id=document_id(base_path),
        source=SOURCE,
        doc_type=document_type or "unknown",
        title=title,
        url=canonical_url(base_path),
        summary=_text(data.get("description")),
        body=full_text,
        events=events,
        metadata={
            "content_id": _text(data.get("content_id")),
            "document_type": document_type,
            "schema_name": schema_name,
            "organisations": _organisations(data, details),
            "attachments": attachments,
            "public_updated_at": _text(data.get("public_updated_at")),
            "first_published_at": first_published,
            "withdrawn": withdrawn,
            "change_note_count": raw_change_count,
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
    note, which is exactly the silent change the timeline wants to surface.
    """
    attachments = [
        [_text(a.get("title")), _text(a.get("url"))]
        for a in document.metadata.get("attachments") or []
        if isinstance(a, dict)
    ]
    payload = {
        "title": _squash(document.title),
        "summary": _squash(document.summary),
        "body": _squash(document.body),
        "attachments": attachments,
    }
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


# --- helpers -------------------------------------------------------------------------


def _load_json(body: bytes, what: str) -> dict[str, Any]:
    """Decode a JSON object, naming the usual failures (HTML interstitials, cut-off bodies)."""
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
    stripped = text.lstrip()
    if not stripped:
        raise MalformedResponse(f"{what}: empty body")
    if stripped.startswith("<"):
        raise MalformedResponse(f"{what}: got an HTML page, not JSON ({stripped[:60]!r}...)")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedResponse(
            f"{what}: invalid or truncated JSON at line {exc.lineno} column {exc.colno}"
        ) from exc
    if not isinstance(data, dict):
        raise MalformedResponse(f"{what}: expected a JSON object, got {type(data).__name__}")
    return data


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _squash(text: str) -> str:
    """Whitespace-insensitive form, so reflowed HTML does not look like an edit."""
    return " ".join(text.split())


def _govuk_path(link: Any) -> str:
    """Path of a GOV.UK link (relative or absolute); "" for other hosts or junk."""
    if not isinstance(link, str) or not link.strip():
        return ""
    parts = urlsplit(link.strip())
    if parts.netloc and parts.netloc.lower() not in _GOVUK_HOSTS:
        return ""
    if parts.scheme and parts.scheme not in ("http", "https"):
        return ""
    path = parts.path
    return path if path.startswith("/") else ""


def _absolute_url(url: str) -> str:
    """Public absolute URL: relative paths resolve on www.gov.uk; http becomes https."""
    if not url:
        return ""
    absolute = urljoin(f"{GOVUK_ORIGIN}/", url)
    if absolute.startswith("http://"):
        absolute = "https://" + absolute[len("http://") :]
    return absolute


def _body_html(body: Any) -> str:
    """details.body is HTML; some schemas send a list of {content_type, content}."""
    if isinstance(body, str):
        return body
    for part in _list(body):
        if isinstance(part, dict) and part.get("content_type") == "text/html":
            return _text(part.get("content"))
    return ""


_BLOCK_TAGS = (
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul",
)  # fmt: skip


def _html_to_text(html: str) -> str:
    """Plain text, one block per line, for search, citation finding and tagging.

    Line breaks go only at block elements, so inline markup such as
    `<strong>refused</strong>` stays inside its sentence and phrases remain searchable.
    """
    if not html:
        return ""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().splitlines())
    return "\n".join(line for line in lines if line)


def _attachments(details: dict[str, Any]) -> list[dict[str, str]]:
    """Attachments as {title, url, content_type}, preferring structured objects.

    Current items carry `details.attachments` (objects); older captures only have
    `details.documents`, a list of rendered HTML blocks, so we read the title link
    out of each block. When both exist they describe the same files, so the
    structured list wins and the HTML is ignored.
    """
    found: list[dict[str, str]] = []
    structured = [a for a in _list(details.get("attachments")) if isinstance(a, dict)]
    if structured:
        for item in structured:
            url = _absolute_url(_text(item.get("url")))
            content_type = _text(item.get("content_type"))
            if not content_type and item.get("attachment_type") == "html":
                content_type = "text/html"
            found.append(
                {
                    "title": _text(item.get("title")),
                    "url": url,
                    "content_type": content_type or _guess_type(url),
                }
            )
    else:
        for block in _list(details.get("documents")):
            if isinstance(block, str):
                found.extend(_attachments_from_html(block))
    unique: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for item in found:
        key = (item["title"], item["url"])
        if key not in seen and (item["title"] or item["url"]):
            seen.add(key)
            unique.append(item)
    return unique


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


def _change_entries(details: dict[str, Any]) -> list[tuple[str, str]]:
    """(timestamp, note) pairs, oldest first, from change_history or manual change_notes.

    Whitehall items list `{public_timestamp, note}` newest first. Manuals list
    `{published_at, title, change_note}` per section, often several per publication,
    so the section title is kept in the note.
    """
    entries: list[tuple[str, str]] = []
    for item in _list(details.get("change_history")):
        if isinstance(item, dict) and _text(item.get("public_timestamp")):
            entries.append((_text(item.get("public_timestamp")), _text(item.get("note"))))
    if not entries:
        for item in _list(details.get("change_notes")):
            if not isinstance(item, dict) or not _text(item.get("published_at")):
                continue
            note = _text(item.get("change_note"))
            section = _text(item.get("title"))
            entries.append(
                (_text(item.get("published_at")), f"{section}: {note}" if section else note)
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


def _withdrawn_notice(data: dict[str, Any], details: dict[str, Any]) -> dict[str, Any]:
    """The withdrawal notice, or {} when live (the API sends `{}` for live items).

    Current items put it at the top level; some older captures only had it in details.
    """
    for candidate in (data.get("withdrawn_notice"), details.get("withdrawn_notice")):
        if isinstance(candidate, dict) and (
            _text(candidate.get("withdrawn_at")) or _text(candidate.get("explanation"))
        ):
            return candidate
    return {}


def _organisations(data: dict[str, Any], details: dict[str, Any]) -> list[str]:
    """Organisation titles from links (expanded), falling back to a manual's own list."""
    links = data.get("links") if isinstance(data.get("links"), dict) else {}
    titles: list[str] = []
    for source in (
        links.get("organisations"),
        links.get("primary_publishing_organisation"),
        links.get("lead_organisations"),
        details.get("organisations"),
    ):
        for org in _list(source):
            title = _text(org.get("title")) if isinstance(org, dict) else ""
            if title and title not in titles:
                titles.append(title)
        if titles:
            break
    return titles
