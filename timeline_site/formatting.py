"""How the site writes things people read: labels, dates, links and search highlights."""

from __future__ import annotations

import re
from datetime import datetime

from markupsafe import Markup, escape

from timeline_spiders.sources import event_kind_labels, source_labels

KIND_LABELS = event_kind_labels()
SOURCE_LABELS = source_labels()
HIGHLIGHT_START, HIGHLIGHT_END = "\ue000", "\ue001"


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None: a javascript: or data: link is never shown."""
    if url and re.match(r"^https?://", url, re.IGNORECASE):
        return url
    return None


def display_date(day: str | None) -> str:
    try:
        return datetime.strptime(day or "", "%Y-%m-%d").strftime("%-d %b %Y")
    except ValueError:
        return day or ""


def highlight(snippet: str | None) -> Markup:
    """Escape a search snippet, then mark the matched words (the FTS markers are ours)."""
    escaped = str(escape(snippet or ""))
    return Markup(escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_END, "</mark>"))
