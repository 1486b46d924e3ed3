"""Every JSON parser, fed each of its fixtures with each field's type changed (a string
where a list was, a number for text, null for an object...), reads it or refuses it as
malformed, so the spider retries and reports it: never a TypeError in a callback, never a
list read as a string."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from tests.support.wrong_types import crashes
from timeline_spiders.parsers import (
    bills,
    committees,
    govuk,
    hansard,
    motions,
    petitions,
    questions,
    si_api,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REF = si_api.InstrumentRef("Xk2pT7aQ", "Some Regulations", "uksi/2017/807", "Made negative", None)


def _bill_stage() -> bills.BillStage:
    body = (FIXTURES / "bills" / "bill-1773-stages.json").read_bytes()
    return next(s for s in bills.parse_stage_page(body, 1773).stages if s.bill_stage_id == 8709)


def _parse_stages(body: bytes, bill_id: int) -> object:
    return bills.parse_stage_page(body, bill_id)


def _parse_publications(body: bytes, bill_id: int) -> object:
    return bills.parse_publications(body, bill_id)


Parser = Callable[[bytes], object]
#: Each JSON fixture's parser, by folder and file name prefix (the first prefix that fits).
PARSERS: dict[str, list[tuple[str, Parser]]] = {
    "hansard": [("search", hansard.parse_search_page), ("debate", hansard.parse_debate)],
    "questions": [
        ("statements_list", questions.parse_statement_list),
        ("list", questions.parse_question_list),
        ("question", questions.parse_question),
        ("statement", questions.parse_statement),
    ],
    "si_api": [
        ("search", si_api.parse_instrument_search),
        ("business-items", lambda body: si_api.parse_business_items(body, REF)),
        ("wrong-shape", si_api.parse_instrument_search),
    ],
    "govuk": [("search", govuk.parse_search_page), ("", govuk.parse_content_response)],
    "bills": [
        ("bills-search", bills.parse_bill_list),
        *(
            (f"bill-{bill_id}-stages", partial(_parse_stages, bill_id=bill_id))
            for bill_id in (1773, 1916, 1779, 1786)
        ),
        *(
            (f"bill-{bill_id}-publications", partial(_parse_publications, bill_id=bill_id))
            for bill_id in (1773, 1916, 1779, 1786)
        ),
        ("amendments-none", lambda b: bills.parse_amendments(b, 1773, _bill_stage())),
        (
            "bill-1773-stage-8709-amendments",
            lambda b: bills.parse_amendments(b, 1773, _bill_stage()),
        ),
        (
            "bill-1773-stage-8709-amendment-",
            lambda body: bills.parse_amendment_detail(body, 1773, _bill_stage()),
        ),
        ("bill", bills.parse_bill),
        ("wrong-shape", bills.parse_bill_list),
    ],
    "committees": [
        ("publications", committees.parse_publications_page),
        ("publication-", committees.parse_publication),
        ("written-evidence", committees.parse_written_evidence_page),
        ("wrong-shape", committees.parse_publications_page),
    ],
    "motions": [
        ("list", motions.parse_motion_list),
        ("wrong-shape", motions.parse_motion_list),
        ("", motions.parse_motion),
    ],
    "petitions": [
        ("list", petitions.parse_petition_list),
        ("archived-list", petitions.parse_petition_list),
        ("wrong-shape", petitions.parse_petition_list),
        ("", petitions.parse_petition),
    ],
}


def parser_for(folder: str, name: str) -> Parser:
    return next(parser for prefix, parser in PARSERS[folder] if name.startswith(prefix))


FIXTURE_FILES = [
    f"{folder}/{path.name}"
    for folder in PARSERS
    for path in sorted((FIXTURES / folder).glob("*.json"))
    if path.name != "truncated.json"
]


def test_every_json_fixture_of_every_source_is_covered():
    assert {path.parent.name for path in FIXTURES.glob("*/*.json")} <= set(PARSERS) | {
        "legislation",
        "legislation_changes",
    }


@pytest.mark.parametrize("fixture", FIXTURE_FILES)
def test_a_field_of_the_wrong_type_is_read_or_refused_as_malformed_never_a_crash(fixture):
    folder, name = fixture.split("/")
    body = (FIXTURES / fixture).read_bytes()
    assert crashes(parser_for(folder, name), body) == []
