"""Dates: every event gets a YYYY-MM-DD date, or the item is refused.

Machine dates (ISO 8601) are preferred and read exactly; a datetime with an offset is
converted to UK local time first, because "the day it happened" on a UK timeline is the
London date (23:30Z in summer is the next morning here). Text dates ("31st October 2016")
go through dateparser in English with day-month-year order, and must name a day, a month
and a year: a guess at a missing part would put an event on the wrong day. A date
relative to something else ("today", "2 weeks ago", "3 days before 1 October 2016") is
refused: it names a different day each time it is read, or not the day it seems to.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import dateparser
from scrapy.exceptions import DropItem

from timeline_spiders.items import Document

LONDON = ZoneInfo("Europe/London")
EARLIEST_YEAR = 1800
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
#: A day-month-year date inside longer text, e.g. "Coming into force 1st September 2016".
_DAY_MONTH_YEAR = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{4}\b")
#: 31/10/2016, 31.10.2016, 31-10-16: always day, month, year.
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_DATEPARSER_SETTINGS = {
    "DATE_ORDER": "DMY",
    "PREFER_DAY_OF_MONTH": "first",
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_AS_TIMEZONE_AWARE": False,
    # Default also reads timestamps and relative times ("yesterday", "in 2 days").
    "PARSERS": ["absolute-time"],
}
_UNIT = r"(?:days?|weeks?|fortnights?|months?|years?)"
#: Words that make a date relative to another moment. "Laid before Parliament" is no such
#: phrase, so "before" counts only after a period ("3 days before", "the day before").
_RELATIVE = re.compile(
    rf"\b(?:today|tonight|yesterday|tomorrow|now|ago|hence)\b"
    rf"|\b\d+\s+{_UNIT}\s+(?:before|after|from|later|earlier)\b"
    rf"|\b(?:the|a|one)\s+{_UNIT}\s+(?:before|after)\b"
    rf"|[+-]\s*\d+\s+{_UNIT}\b"
    rf"|\bin\s+\d+\s+{_UNIT}\b"
    rf"|\b(?:next|last|this|coming|following|previous)\s+"
    rf"(?:{_UNIT}|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)


class UnreadableDate(ValueError):
    """A date we cannot place on a single day with confidence."""


def normalise_date(value: str, *, latest_year: int | None = None) -> str:
    """Return `value` as YYYY-MM-DD, or raise UnreadableDate saying why."""
    text = " ".join(str(value or "").split())
    if not text:
        raise UnreadableDate("empty date")
    day = _from_iso(text) if _ISO.match(text) else _from_text(text)
    latest = latest_year or date.today().year + 5
    if not EARLIEST_YEAR <= day.year <= latest:
        raise UnreadableDate(f"year out of range: {text!r}")
    return day.isoformat()


def _from_text(text: str) -> date:
    if _RELATIVE.search(text):
        raise UnreadableDate(f"a date relative to another moment, not a day: {text!r}")
    numeric = _NUMERIC.match(text)
    if numeric:
        # dateparser would quietly read 07/17/2017 month-first; in the UK it is no date.
        day, month, year = (int(part) for part in numeric.groups())
        year += 2000 if year < 100 else 0
        try:
            return date(year, month, day)
        except ValueError:
            raise UnreadableDate(f"not a day-month-year date: {text!r}") from None
    parsed = dateparser.parse(text, languages=["en"], settings=_DATEPARSER_SETTINGS)
    if parsed is None:
        # Prelims say "Made 18th July 2016": read the one date in the phrase, but only
        # when there is exactly one, since two dates in a phrase are a range or a list.
        found = set(_DAY_MONTH_YEAR.findall(text))
        if len(found) == 1:
            parsed = dateparser.parse(found.pop(), languages=["en"], settings=_DATEPARSER_SETTINGS)
    if parsed is None:
        raise UnreadableDate(f"not a full date: {text!r}")
    return parsed.date()


def _from_iso(text: str) -> date:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise UnreadableDate(f"invalid ISO date {text!r}: {error}") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(LONDON)
    return moment.date()


class DatePipeline:
    """Normalise every event date; refuse the item if any date is unreadable.

    Refusing the whole item (rather than storing it without that event) keeps the
    published timeline from silently missing a stage; the error, with the URL, goes into
    the run report and whatever was stored before stays as it was.
    """

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Document):
            return item  # Gone and AmendmentList items carry nothing to derive
        for event in item.events:
            try:
                event.date = normalise_date(event.date)
            except UnreadableDate as error:
                raise DropItem(f"{item.url}: {event.kind} date: {error}") from None
        return item
