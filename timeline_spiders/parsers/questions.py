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
from timeline_spiders.parsers.reading import Record, html_to_text, load_json_record, snippet

#: Where readers read questions and statements (the API is on a host of its own).
PUBLIC_SITE = "https://questions-statements.parliament.uk"
SUMMARY_CHARS = 300

_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class ListPage:
    """One page of a list endpoint: the ids to fetch in full, the API's `totalResults`,
    and how many results this page held (an empty page ends the paging)."""

    ids: list[int]
    total: int
    count: int


def parse_question_list(body: bytes) -> ListPage:
    """Read a page of `/api/writtenquestions/questions`: the question ids to fetch."""
    return _parse_list(body, "Written questions list")


def parse_statement_list(body: bytes) -> ListPage:
    """Read a page of `/api/writtenstatements/statements`: the statement ids to fetch."""
    return _parse_list(body, "Written statements list")


def question_url(date_tabled: str, uin: str) -> str:
    """Public page of a written question. UINs are reused across sessions, so the tabled
    date is part of the key; the site links UINs in lower case (`hl1629`)."""
    return f"{PUBLIC_SITE}/written-questions/detail/{date_tabled}/{uin.lower()}"


def statement_url(date_made: str, uin: str) -> str:
    """Public page of a written statement, keyed like questions by date and UIN."""
    return f"{PUBLIC_SITE}/written-statements/detail/{date_made}/{uin.lower()}"


def parse_question(body: bytes) -> Document:
    """Turn a written question detail into a `Document`.

    The dated event is the answer when there is a real one, otherwise the tabling: a
    holding answer ("I will reply as soon as possible") is not an answer, and dating the
    question by it would put a non-event on the timeline. For a corrected answer the API's
    `answerText` is already the corrected text (`originalAnswerText` keeps the first one),
    so that is what the body and summary use. The API's `searchTerm` matches any word of
    a phrase, so the document is kept only if it has a search phrase word for word.
    """
    what = "Written question"
    record = _unwrap(body, what)
    question = _QuestionFields.read(record, what)
    return Document(
        id=f"questions:wq:{question.api_id}",
        source="questions",
        doc_type="written_question",
        title=record.text("heading") or f"Written question {question.uin}",
        url=question_url(question.date_tabled, question.uin),
        summary=snippet(question.answer if question.answered else question.text, SUMMARY_CHARS),
        body=question.body(),
        events=[Event(kind="written_question", date=question.event_date)],
        metadata=question.metadata(),
        keep_if="mentions_search_phrase",
    )


@dataclass(frozen=True)
class _QuestionFields:
    """What a written question says, read and checked once."""

    record: Record
    api_id: int
    uin: str
    date_tabled: str
    text: str
    answer: str
    date_answered: str | None
    holding: bool
    asking: dict[str, Any] | None
    answering: dict[str, Any] | None
    answering_body: str

    @classmethod
    def read(cls, record: Record, what: str) -> _QuestionFields:
        api_id = record.required_integer("id")
        uin, date_tabled = record.text("uin"), _date(record.text("dateTabled"))
        text = html_to_text(record.text("questionText"))
        if not uin or not date_tabled or not text:
            raise MalformedResponse(f"{what} {api_id}: lacks uin, dateTabled or questionText")
        return cls(
            record=record,
            api_id=api_id,
            uin=uin,
            date_tabled=date_tabled,
            text=text,
            answer=html_to_text(record.text("answerText")),
            date_answered=_date(record.text("dateAnswered")),
            holding=record.boolean("answerIsHolding") is True,
            asking=_member(record, "askingMember"),
            answering=_member(record, "answeringMember"),
            answering_body=record.text("answeringBodyName"),
        )

    @property
    def answered(self) -> bool:
        return bool(self.answer) and self.date_answered is not None and not self.holding

    @property
    def event_date(self) -> str:
        return self.date_answered if self.answered and self.date_answered else self.date_tabled

    def body(self) -> str:
        asked_by = self.asking["name"] if self.asking and self.asking["name"] else "a member"
        parts = [f"Question ({asked_by}, tabled {self.date_tabled}):\n{self.text}"]
        if self.answer:
            answered_by = (
                self.answering["name"]
                if self.answering and self.answering["name"]
                else self.answering_body
            )
            label = "Holding answer" if self.holding else "Answer"
            when = self.date_answered or "undated"
            parts.append(f"{label} ({answered_by}, {when}):\n{self.answer}")
        return "\n\n".join(parts)

    def metadata(self) -> dict[str, Any]:
        record = self.record
        return {
            "uin": self.uin,
            "api_id": self.api_id,
            "house": record.text("house"),
            "asking_member": self.asking,
            "answering_member": self.answering,
            "correcting_member": _member(record, "correctingMember"),
            "answering_body": self.answering_body,
            "answering_body_id": record.integer("answeringBodyId"),
            "date_tabled": self.date_tabled,
            "date_for_answer": _date(record.text("dateForAnswer")),
            "date_answered": self.date_answered if self.answered else None,
            "answered": self.answered,
            "answer_is_holding": self.holding,
            "date_holding_answer": _date(record.text("dateHoldingAnswer")),
            "answer_is_correction": record.boolean("answerIsCorrection") is True,
            "date_answer_corrected": _date(record.text("dateAnswerCorrected")),
            "original_answer_text": html_to_text(record.text("originalAnswerText")),
            "withdrawn": record.boolean("isWithdrawn") is True,
            "named_day": record.boolean("isNamedDay") is True,
            "grouped_questions": _grouped_questions(record),
            "attachments": _attachments(record),
        }


def parse_statement(body: bytes) -> Document:
    """Turn a written ministerial statement detail into a `Document`, dated when made."""
    what = "Written statement"
    record = _unwrap(body, what)
    statement_id = record.required_integer("id")
    uin = record.text("uin")
    date_made = _date(record.text("dateMade"))
    title = " ".join(record.text("title").split())
    text = html_to_text(record.text("text"))
    if not uin or not date_made or not title:
        raise MalformedResponse(f"{what} {statement_id}: lacks uin, dateMade or title")
    return Document(
        id=f"questions:ws:{statement_id}",
        source="questions",
        doc_type="written_statement",
        title=title,
        url=statement_url(date_made, uin),
        summary=snippet(text, SUMMARY_CHARS) if text else title,
        body=text,
        events=[Event(kind="written_statement", date=date_made)],
        metadata={
            "uin": uin,
            "api_id": statement_id,
            "house": record.text("house"),
            "member": _member(record, "member"),
            "member_role": record.text("memberRole"),
            "answering_body": record.text("answeringBodyName"),
            "answering_body_id": record.integer("answeringBodyId"),
            "date_made": date_made,
            "linked_statements": _linked_statements(record),
            "attachments": _attachments(record),
        },
        keep_if="mentions_search_phrase",
    )


def _linked_statements(record: Record) -> list[dict[str, Any]]:
    """Statements this one corrects or is made jointly with, each with its date."""
    return [
        {
            "id": link.integer("linkedStatementId"),
            "type": link.text("linkType"),
            "date": _date(link.text("linkDate")),
        }
        for link in record.records("linkedStatements")
    ]


# --- helpers -------------------------------------------------------------------------


def _parse_list(body: bytes, what: str) -> ListPage:
    """A list page. The spec allows `results: null` for an empty page; that is no error."""
    page = load_json_record(body, what)
    if "totalResults" not in page:
        raise MalformedResponse(f"{what}: 'totalResults' missing")
    results = page.records("results")
    ids = [result.required_record("value").required_integer("id") for result in results]
    return ListPage(ids=ids, total=page.required_integer("totalResults"), count=len(results))


def _unwrap(body: bytes, what: str) -> Record:
    """The record from a detail body, whichever envelope the endpoint used: `{"value": ...}`
    (by id or date/uin), a one-result search envelope (the statements-by-id route, per its
    spec), or the bare record."""
    data = load_json_record(body, what)
    if "results" in data:
        results = data.records("results")
        if len(results) != 1:
            raise MalformedResponse(f"{what}: expected one result, got {len(results)}")
        data = results[0]
    value = data.record("value")
    return value if value is not None else data


def _member(record: Record, key: str) -> dict[str, Any] | None:
    """A member as stored: the id always, the name and party only when the request asked
    for `expandMember=true` (otherwise the API sends null)."""
    expanded = record.record(key)
    member_id = record.integer(f"{key}Id")
    if member_id is None and expanded is not None:
        member_id = expanded.integer("id")
    if member_id is None and expanded is None:
        return None
    return {
        "member_id": member_id,
        "name": expanded.text("name") if expanded else "",
        "party": expanded.text("party") if expanded else "",
        "member_from": expanded.text("memberFrom") if expanded else "",
    }


def _grouped_questions(record: Record) -> list[dict[str, str | None]]:
    """Questions answered together with this one, each with its tabled date where the API
    gives it: UINs are reused across sessions, so a UIN alone names no question."""
    tabled = {
        grouped.text("questionUin"): _date(grouped.text("dateTabled"))
        for grouped in record.records("groupedQuestionsDates")
    }
    uins = record.texts("groupedQuestions") or list(tabled)
    return [{"uin": uin, "date_tabled": tabled.get(uin)} for uin in uins]


def _attachments(record: Record) -> list[dict[str, str]]:
    return [
        {
            "title": " ".join(attachment.text("title").split()),
            "url": attachment.text("url"),
            "file_type": attachment.text("fileType"),
        }
        for attachment in record.records("attachments")
    ]


def _date(text: str) -> str | None:
    """`2016-11-01T00:00:00` -> `2016-11-01`; None when the API has no date. Anything else
    is passed on for the date pipeline to judge rather than guessed at here."""
    if not text:
        return None
    match = _ISO_DATE.match(text)
    return match.group(1) if match else text
