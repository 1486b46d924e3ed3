import re

import pytest
from scrapy.exceptions import DropItem

from pipelines.dates import DatePipeline, UnreadableDate, normalise_date
from timeline_spiders.items import Document, Event


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2016-10-31", "2016-10-31"),
        ("2016-10-12T00:00:00", "2016-10-12"),
        # 23:30 UTC in British Summer Time is already the next day in London.
        ("2016-07-18T23:30:00Z", "2016-07-19"),
        ("2016-07-05T09:30:00.000+01:00", "2016-07-05"),
        ("31st October 2016", "2016-10-31"),
        ("1 September 2016", "2016-09-01"),
        ("Coming into force 1st September 2016", "2016-09-01"),
        # Text dates are day-month-year in the UK.
        ("01/02/2016", "2016-02-01"),
        ("31.10.16", "2016-10-31"),
    ],
)
def test_dates_become_uk_calendar_days(raw, expected):
    assert normalise_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "October 2016",
        "32 October 2016",
        "2016-02-30",
        "0016-01-01",
        "soon",
        "2999-01-01",
        "07/17/2017",  # month first: not a UK date
        "31/02/2016",
    ],
)
def test_dates_that_cannot_be_placed_on_one_day_are_refused(raw):
    with pytest.raises(UnreadableDate):
        normalise_date(raw)


def test_two_dates_in_one_phrase_are_ambiguous():
    with pytest.raises(UnreadableDate):
        normalise_date("between 1 May 2016 and 2 June 2016")


def test_pipeline_refuses_an_item_with_an_unreadable_date_naming_its_url():
    item = Document(
        id="x:1",
        source="govuk",
        doc_type="guidance",
        title="A guide",
        url="https://www.gov.uk/a-guide",
        events=[Event("guidance_published", "2016-07-05"), Event("guidance_updated", "soon")],
    )
    with pytest.raises(DropItem, match=re.escape("https://www.gov.uk/a-guide")):
        DatePipeline().process_item(item)


def test_pipeline_normalises_every_event():
    item = Document(
        id="x:1",
        source="legislation",
        doc_type="statutory_instrument",
        title="Regs",
        url="https://www.legislation.gov.uk/uksi/2016/808/made",
        events=[Event("si_made", "18th July 2016"), Event("si_laid", "2016-07-21")],
    )
    DatePipeline().process_item(item)
    assert [event.date for event in item.events] == ["2016-07-18", "2016-07-21"]


@pytest.mark.parametrize(
    "raw",
    [
        "today",
        "yesterday",
        "tomorrow",
        "2 weeks ago",
        "in 2 days",
        "next Monday",
        "3 days before 1 October 2016",
        "the day after 1 October 2016",
        "1 Oct 2016 + 2 days",
    ],
)
def test_dates_relative_to_another_moment_are_refused(raw):
    # "today" in a staff file would give its row a new date (and id) every night.
    with pytest.raises(UnreadableDate, match="relative"):
        normalise_date(raw)


def test_prelims_wording_with_before_in_it_is_still_read():
    assert normalise_date("Laid before Parliament 21st July 2016") == "2016-07-21"
