"""How the site writes things people read: labels, dates in words, safe links and search
highlights. Who did what and why an item is on a campaign are in pipelines/describing.py,
shared with the alerts."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from pipelines.citations import find_citations
from timeline_spiders.sources import event_kind_labels, source_labels
from timeline_spiders.text import date_in_words

KIND_LABELS = event_kind_labels()
SOURCE_LABELS = source_labels()
_CONTROL = re.compile("[\x00-\x1f\x7f]")
_WEB_ADDRESS = re.compile(r"https?://", re.IGNORECASE)
HIGHLIGHT_START, HIGHLIGHT_END = "\ue000", "\ue001"


def escaped(value: Any) -> str:
    """`value` as HTML or XML text or attribute value: `&`, `<`, `>` and both quotes
    escaped; None is nothing, and markup (a `Markup`) is kept as it is, as markupsafe's
    escape keeps it. The standard library's escape rather than markupsafe's, which makes
    a `Markup` of every value: a list of events escapes about ten values an event, and
    with markupsafe's an event took 10.5 µs to write, with this 6.6 µs (bench/README.md,
    figure 3)."""
    if type(value) is str:
        return html.escape(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape("" if value is None else str(value))


def escaped_text(text: str) -> str:
    """`text` as the content of an HTML or XML element: there only `&`, `<` and `>` need
    escaping (quotes only in attribute values, which `escaped` is for). Three
    replacements rather than five: a feed's hundred entries, five such values each, were
    written in 0.45 ms rather than 0.58 (bench/README.md, figure 3)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None: a javascript: or data: link is never shown,
    nor one with a control character (a line break would end a calendar line)."""
    if url and _WEB_ADDRESS.match(url) and not _CONTROL.search(url):
        return url
    return None


@lru_cache(maxsize=4096)
def json_list(text: str | None) -> tuple[str, ...]:
    """A JSON array of strings as the timeline stores an event's campaigns and citations.
    Kept, like the dates below: a page's events share a handful of such lists ("[]",
    '["boycott-school-census"]'), each parsed once rather than once per event."""
    return tuple(json.loads(text or "[]"))


@lru_cache(maxsize=4096)
def display_date(day: str | None) -> str:
    """A day as people write it on GOV.UK: "31 October 2016". Kept for the days pages
    show most (a page of events writes a few dozen days, each parsed and formatted)."""
    return date_in_words(day or "")


@lru_cache(maxsize=4096)
def display_moment(stamp: str | None) -> str:
    """A UTC timestamp in words: "30 November 2026 at 02:15 UTC"."""
    try:
        moment = datetime.fromisoformat(stamp or "")
    except ValueError:
        return stamp or ""
    return f"{moment.strftime('%-d %B %Y')} at {moment.strftime('%H:%M')} UTC"


def highlight(snippet: str | None) -> Markup:
    """Escape a search snippet, then mark the matched words (the FTS markers are ours)."""
    text = escaped(snippet)
    return Markup(text.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_END, "</mark>"))


def link_citations(text: str | None, base: str = "") -> Markup:
    """Escape `text`, then make each statutory instrument it cites a link to its page
    (`base` is the site's path prefix: "/" or "" at the root)."""
    return Markup(citations_linked(text or "", base))


def citations_linked(text: str, base: str) -> str:
    """`link_citations` as a string, for markup made of strings (`event_items`)."""
    citations = find_citations(text)
    if not citations:
        return escaped(text)
    base = base.rstrip("/")
    pieces, last = [], 0
    for citation in citations:
        start = text.find(citation.matched_text, last)
        if start < 0:
            continue
        end = start + len(citation.matched_text)
        pieces.append(escaped(text[last:start]))
        href = escaped(f"{base}/si/{citation.legislation_id}")
        pieces.append(f'<a href="{href}">{escaped(citation.matched_text)}</a>')
        last = end
    pieces.append(escaped(text[last:]))
    return "".join(pieces)
