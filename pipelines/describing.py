"""Who did what, and why an item is on a campaign, in words: shared by the site's pages,
its feeds and the alerts the job sends."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

#: How many speakers a debate names before "and N others".
SPEAKERS_SHOWN = 3


def who(source: str, doc_type: str, metadata: dict[str, Any]) -> str:
    """Who did what, in a line: the asker, answerer and UIN of a question, the maker of a
    statement, the speakers of a debate (first, as TheyWorkForYou does)."""
    describe = _DESCRIBERS.get(doc_type)
    return describe(metadata) if describe else ""


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


def _statement_who(metadata: dict[str, Any]) -> str:
    member = _member(metadata.get("member"))
    role = metadata.get("member_role") or ""
    made_by = ", ".join(part for part in (member, role) if part)
    return f"Made by {made_by}" if made_by else ""


def _debate_who(metadata: dict[str, Any]) -> str:
    return _speakers(metadata.get("speakers") or [])


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


_DESCRIBERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "written_question": _question_who,
    "written_statement": _statement_who,
    "debate": _debate_who,
}
#: The documents `who` names someone for: of any other it reads no metadata.
DESCRIBED_DOC_TYPES = frozenset(_DESCRIBERS)


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


def event_anchor(event_id: str) -> str:
    """The HTML id of an event on a campaign page (event ids hold ':' and '/'), so an
    alert can link to it."""
    return "e-" + hashlib.sha1(event_id.encode()).hexdigest()[:12]
