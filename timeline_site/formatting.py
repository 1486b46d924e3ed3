"""How the site writes things people read: labels, dates in words, who did it, why an
item is on a campaign, safe links and search highlights."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape

from pipelines.citations import find_citations
from timeline_spiders.sources import event_kind_labels, source_labels
from timeline_spiders.text import date_in_words

KIND_LABELS = event_kind_labels()
SOURCE_LABELS = source_labels()
_CONTROL = re.compile("[\x00-\x1f\x7f]")
HIGHLIGHT_START, HIGHLIGHT_END = "\ue000", "\ue001"
#: How many speakers a debate names before "and N others".
SPEAKERS_SHOWN = 3


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None: a javascript: or data: link is never shown,
    nor one with a control character (a line break would end a calendar line)."""
    if url and re.match(r"^https?://", url, re.IGNORECASE) and not _CONTROL.search(url):
        return url
    return None


def display_date(day: str | None) -> str:
    """A day as people write it on GOV.UK: "31 October 2016"."""
    return date_in_words(day or "")


def display_moment(stamp: str | None) -> str:
    """A UTC timestamp in words: "30 November 2026 at 02:15 UTC"."""
    try:
        moment = datetime.fromisoformat(stamp or "")
    except ValueError:
        return stamp or ""
    return f"{moment.strftime('%-d %B %Y')} at {moment.strftime('%H:%M')} UTC"


def highlight(snippet: str | None) -> Markup:
    """Escape a search snippet, then mark the matched words (the FTS markers are ours)."""
    escaped = str(escape(snippet or ""))
    return Markup(escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_END, "</mark>"))


def link_citations(text: str | None, base: str = "") -> Markup:
    """Escape `text`, then make each statutory instrument it cites a link to its page
    (`base` is the site's path prefix: "/" or "" at the root)."""
    text, base = text or "", base.rstrip("/")
    pieces, last = [], 0
    for citation in find_citations(text):
        start = text.find(citation.matched_text, last)
        if start < 0:
            continue
        end = start + len(citation.matched_text)
        pieces.append(str(escape(text[last:start])))
        href = escape(f"{base}/si/{citation.legislation_id}")
        pieces.append(f'<a href="{href}">{escape(citation.matched_text)}</a>')
        last = end
    pieces.append(str(escape(text[last:])))
    return Markup("".join(pieces))


def who(source: str, doc_type: str, metadata: dict[str, Any]) -> str:
    """Who did what, in a line: the asker, answerer and UIN of a question, the maker of a
    statement, the speakers of a debate (first, as TheyWorkForYou does)."""
    if doc_type == "written_question":
        return _question_who(metadata)
    if doc_type == "written_statement":
        member = _member(metadata.get("member"))
        role = metadata.get("member_role") or ""
        made_by = ", ".join(part for part in (member, role) if part)
        return f"Made by {made_by}" if made_by else ""
    if doc_type == "debate":
        return _speakers(metadata.get("speakers") or [])
    return ""


def _question_who(metadata: dict[str, Any]) -> str:
    parts = []
    asker = _member(metadata.get("asking_member"))
    if asker:
        parts.append(f"Asked by {asker}")
    answerer = _member(metadata.get("answering_member"))
    body = metadata.get("answering_body") or ""
    if answerer or body:
        for_body = f" for the {body}" if body and answerer else body
        parts.append(f"answered by {answerer}{for_body}" if answerer else f"for the {body}")
    if metadata.get("uin"):
        parts.append(f"UIN {metadata['uin']}")
    return " · ".join(parts)


def _member(member: Any) -> str:
    if not isinstance(member, dict) or not member.get("name"):
        return ""
    party = member.get("party")
    return f"{member['name']} ({party})" if party else str(member["name"])


def _speakers(speakers: list[dict[str, Any]]) -> str:
    names = []
    for speaker in speakers:
        if speaker.get("name"):
            party = speaker.get("party")
            names.append(f"{speaker['name']} ({party})" if party else speaker["name"])
    if not names:
        return ""
    shown = ", ".join(names[:SPEAKERS_SHOWN])
    others = len(names) - SPEAKERS_SHOWN
    if others > 0:
        return f"Speakers: {shown} and {others} other{'s' if others > 1 else ''}"
    return f"Speakers: {shown}"


def why(tag: dict[str, Any]) -> str:
    """Why an item carries a campaign's tag, in a sentence for readers."""
    if tag.get("origin") == "override":
        reason = tag.get("reason") or "no reason given"
        return f"Added by the campaign's staff: {reason}"
    terms = json.loads(tag.get("terms") or "[]")
    matched = ", ".join(f"“{term}”" for term in terms)
    sentence = (
        f"The rule “{tag.get('rule')}” matched {matched}"
        if matched
        else (f"The rule “{tag.get('rule')}” matched")
    )
    if tag.get("context"):
        sentence += f"; context: {tag['context']}"
    if tag.get("status") == "suggested":
        sentence += f" (suggested by the words alone, score {float(tag.get('score') or 0):.2f})"
    return sentence + "."
