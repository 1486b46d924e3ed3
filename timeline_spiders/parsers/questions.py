"""Written Questions & Statements API (questions-statements-api.parliament.uk) JSON.

The spider lists (`/api/writtenquestions/questions`, `/api/writtenstatements/statements`)
to learn ids, then fetches each detail, because list entries truncate the question and
answer text. These functions read both; see FORMAT-parliament.md for the format notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from timeline_spiders.items import Document, Event
from timeline_spiders.parsers import MalformedResponse
from timeline_spiders.parsers.hansard import clean_title, html_to_text, load_json, text_of

PUBLIC_BASE = "https://questions-statements.parliament.uk"
SUMMARY_CHARS = 300

_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class ListPage:
    """One page of a list endpoint: the ids to fetch in full, the API's `totalResults`,
    and how many results this page held (an empty page ends the paging)."""

    ids: list[int]
    total: int
    count: int


def _date(value: Any) -> str | None:
    """`2016-11-01T00:00:00` -> `2016-11-01`; None when the API has no date."""
    text = text_of(value)
    if not text:
        return None
    match = _ISO_DATE.match(text)
    return match.group(1) if match else text


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    return value if isinstance(value, int) else None


def _parse_list(body: bytes, what: str) -> ListPage:
    data = load_json(body, what)
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise MalformedResponse(f"{what}: no 'results' list in the response")
    total = _int(data.get("totalResults"))
    if total is None:
        raise MalformedResponse(f"{what}: 'totalResults' missing or not a number")
    ids: list[int] = []
    for result in data["results"]:
        value = result.get("value") if isinstance(result, dict) else None
        item_id = _int(value.get("id")) if isinstance(value, dict) else None
        if item_id is None:
            raise MalformedResponse(f"{what}: a result has no value.id")
        ids.append(item_id)
    return ListPage(ids=ids, total=total, count=len(data["results"]))


def _unwrap(body: bytes, what: str) -> dict[str, Any]:
    """The record from a detail body, whichever envelope the endpoint used: `{"value": ...}`
    (by id or date/uin), a one-result search envelope (the statements-by-id route, per its
    spec), or the bare record."""
    data = load_json(body, what)
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        results = data["results"]
        if len(results) != 1:
            raise MalformedResponse(f"{what}: expected one result, got {len(results)}")
        data = results[0]
    if isinstance(data, dict) and isinstance(data.get("value"), dict):
        data = data["value"]
    if not isinstance(data, dict) or _int(data.get("id")) is None:
        raise MalformedResponse(f"{what}: no record with an 'id' in the response")
    return data


def _member(record: dict[str, Any], key: str) -> dict[str, Any] | None:
    """A member as stored: the id always, the name and party only when the request asked
    for `expandMember=true` (otherwise the API sends null)."""
    member_id = _int(record.get(f"{key}Id"))
    expanded = record.get(key) if isinstance(record.get(key), dict) else {}
    if member_id is None:
        member_id = _int(expanded.get("id"))
    if member_id is None and not expanded:
        return None
    return {
        "member_id": member_id,
        "name": clean_title(expanded.get("name")),
        "party": clean_title(expanded.get("party")),
        "member_from": clean_title(expanded.get("memberFrom")),
    }


def _snippet(text: str, limit: int = SUMMARY_CHARS) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + "\u2026"


def _attachments(record: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for att in record.get("attachments") or []:
        if isinstance(att, dict):
            out.append(
                {
                    "title": clean_title(att.get("title")),
                    "url": text_of(att.get("url")),
                    "file_type": text_of(att.get("fileType")),
                }
            )
    return out


def parse_question_list(body: bytes) -> ListPage:
    """Read a page of `/api/writtenquestions/questions`: the question ids to fetch."""
    return _parse_list(body, "Written questions list")


def parse_statement_list(body: bytes) -> ListPage:
    """Read a page of `/api/writtenstatements/statements`: the statement ids to fetch."""
    return _parse_list(body, "Written statements list")


def question_url(date_tabled: str, uin: str) -> str:
    """Public page of a written question. UINs are reused across sessions, so the tabled
    date is part of the key; the site links UINs in lower case (`hl1629`)."""
    return f"{PUBLIC_BASE}/written-questions/detail/{date_tabled}/{uin.lower()}"


def statement_url(date_made: str, uin: str) -> str:
    """Public page of a written statement, keyed like questions by date and UIN."""
    return f"{PUBLIC_BASE}/written-statements/detail/{date_made}/{uin.lower()}"


def parse_question(body: bytes) -> Document:
    """Turn a written question detail into a `Document`.

    The dated event is the answer when there is a real one, otherwise the tabling: a
    holding answer ("I will reply as soon as possible") is not an answer, and dating the
    question by it would put a non-event on the timeline. For a corrected answer the API's
    `answerText` is already the corrected text (`originalAnswerText` keeps the first one),
    so that is what the body and summary use.
    """
    what = "Written question"
    record = _unwrap(body, what)
    question_id = record["id"]
    uin = text_of(record.get("uin"))
    date_tabled = _date(record.get("dateTabled"))
    question = html_to_text(record.get("questionText"))
    if not uin or not date_tabled or not question:
        raise MalformedResponse(f"{what} {question_id}: lacks uin, dateTabled or questionText")

    answer_text = html_to_text(record.get("answerText"))
    date_answered = _date(record.get("dateAnswered"))
    holding = record.get("answerIsHolding") is True
    answered = bool(answer_text) and date_answered is not None and not holding
    withdrawn = record.get("isWithdrawn") is True
    asking = _member(record, "askingMember")
    answering = _member(record, "answeringMember")
    body_name = clean_title(record.get("answeringBodyName"))

    asked_by = asking["name"] if asking and asking["name"] else "a member"
    parts = [f"Question ({asked_by}, tabled {date_tabled}):\n{question}"]
    if answer_text:
        answered_by = answering["name"] if answering and answering["name"] else body_name
        label = "Holding answer" if holding else "Answer"
        parts.append(f"{label} ({answered_by}, {date_answered or 'undated'}):\n{answer_text}")
    heading = clean_title(record.get("heading"))

    return Document(
        id=f"questions:wq:{question_id}",
        source="questions",
        doc_type="written_question",
        title=heading or f"Written question {uin}",
        url=question_url(date_tabled, uin),
        summary=_snippet(answer_text if answered else question),
        body="\n\n".join(parts),
        events=[Event(kind="written_question", date=date_answered if answered else date_tabled)],
        metadata={
            "uin": uin,
            "api_id": question_id,
            "house": text_of(record.get("house")),
            "asking_member": asking,
            "answering_member": answering,
            "answering_body": body_name,
            "answering_body_id": _int(record.get("answeringBodyId")),
            "date_tabled": date_tabled,
            "date_for_answer": _date(record.get("dateForAnswer")),
            "date_answered": date_answered if answered else None,
            "answered": answered,
            "answer_is_holding": holding,
            "date_holding_answer": _date(record.get("dateHoldingAnswer")),
            "answer_is_correction": record.get("answerIsCorrection") is True,
            "date_answer_corrected": _date(record.get("dateAnswerCorrected")),
            "original_answer_text": html_to_text(record.get("originalAnswerText")),
            "withdrawn": withdrawn,
            "named_day": record.get("isNamedDay") is True,
            "grouped_questions": [
                g for g in record.get("groupedQuestions") or [] if isinstance(g, str)
            ],
            "attachments": _attachments(record),
        },
    )


def parse_statement(body: bytes) -> Document:
    """Turn a written ministerial statement detail into a `Document`, dated when made."""
    what = "Written statement"
    record = _unwrap(body, what)
    statement_id = record["id"]
    uin = text_of(record.get("uin"))
    date_made = _date(record.get("dateMade"))
    title = clean_title(record.get("title"))
    text = html_to_text(record.get("text"))
    if not uin or not date_made or not title:
        raise MalformedResponse(f"{what} {statement_id}: lacks uin, dateMade or title")
    member = _member(record, "member")
    role = clean_title(record.get("memberRole"))
    linked = [
        {"id": _int(link.get("linkedStatementId")), "type": text_of(link.get("linkType"))}
        for link in record.get("linkedStatements") or []
        if isinstance(link, dict)
    ]
    return Document(
        id=f"questions:ws:{statement_id}",
        source="questions",
        doc_type="written_statement",
        title=title,
        url=statement_url(date_made, uin),
        summary=_snippet(text) if text else title,
        body=text,
        events=[Event(kind="written_statement", date=date_made)],
        metadata={
            "uin": uin,
            "api_id": statement_id,
            "house": text_of(record.get("house")),
            "member": member,
            "member_role": role,
            "answering_body": clean_title(record.get("answeringBodyName")),
            "answering_body_id": _int(record.get("answeringBodyId")),
            "date_made": date_made,
            "linked_statements": linked,
            "attachments": _attachments(record),
        },
    )
