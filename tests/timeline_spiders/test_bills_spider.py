"""The bills spider's requests and callbacks, without a network or a crawl."""

from __future__ import annotations

import json

from scrapy.http import Request

from tests.support.spiders import (
    FIXTURES,
    StoredItem,
    StubEarlierRuns,
    build_spider,
    callback_output,
    nightly_start,
    path_of,
    query_of,
    ran_yesterday,
    requests_in,
    start_requests,
)
from timeline_spiders.items import Document
from timeline_spiders.spiders.bills import BillsSpider

HERB = 1773
PHRASE = "information about applications to higher education"


def spider(**kwargs) -> BillsSpider:
    kwargs.setdefault("phrases", (PHRASE,))
    kwargs.setdefault("tracked", {"bills": ("1773",)})
    return build_spider(BillsSpider, **kwargs)


def first_search(bills: BillsSpider) -> Request:
    return next(r for r in start_requests(bills) if path_of(r) == "/api/v1/Bills")


def record_request(bills: BillsSpider, bill_id: int) -> Request:
    bills.requested.discard(bill_id)
    (request,) = bills.bill_request(bill_id)
    return request


def test_tracked_bills_are_fetched_and_each_phrase_searched_newest_updated_first():
    requests = start_requests(spider())
    assert [path_of(r) for r in requests] == ["/api/v1/Bills/1773", "/api/v1/Bills"]
    assert query_of(requests[1]) == {
        "SearchTerm": PHRASE,
        "SortOrder": "DateUpdatedDescending",
        "Skip": "0",
        "Take": "20",
    }


def test_a_first_run_fetches_every_bill_found_and_pages_to_the_total():
    bills = spider()
    output = callback_output(first_search(bills), "bills/bills-search-page-1.json")
    records = [path_of(r) for r in output if path_of(r).startswith("/api/v1/Bills/")]
    assert records == ["/api/v1/Bills/1916", "/api/v1/Bills/1779"]  # 1773: already asked
    (next_page,) = [r for r in output if path_of(r) == "/api/v1/Bills"]
    assert query_of(next_page)["Skip"] == "3"


def test_a_nightly_run_fetches_only_bills_updated_since_and_stops_at_an_older_one():
    bills = spider(earlier=ran_yesterday(), tracked={})
    body = json.loads((FIXTURES / "bills/bills-search-page-1.json").read_bytes())
    body["items"][0]["lastUpdate"] = f"{nightly_start()}T09:00:00.0000000"  # 1773 only
    request = first_search(bills)
    output = callback_output(request, body=json.dumps(body).encode())
    # 1916 and 1779 were last updated long before the window, and so is page 2.
    assert [path_of(r) for r in output] == ["/api/v1/Bills/1773"]


def test_a_tracked_bill_unchanged_since_the_last_run_stops_at_its_record():
    stored = StoredItem(f"bills:bill/{HERB}", "Higher Education and Research Act 2017")
    bills = spider(earlier=StubEarlierRuns(last=ran_yesterday().last, items={"bills": [stored]}))
    start_requests(bills)
    assert callback_output(record_request(bills, HERB), "bills/bill-1773.json") == []


def test_a_bill_not_stored_before_is_fetched_whole_however_old():
    bills = spider(earlier=ran_yesterday())
    start_requests(bills)
    (publications,) = callback_output(record_request(bills, HERB), "bills/bill-1773.json")
    assert path_of(publications) == "/api/v1/Bills/1773/Publications"


def test_a_bill_is_stored_with_its_stages_and_publications_then_its_amendments_are_read():
    bills = spider()
    (publications,) = callback_output(record_request(bills, HERB), "bills/bill-1773.json")
    (stages,) = callback_output(publications, "bills/bill-1773-publications.json")
    assert (path_of(stages), query_of(stages)) == (
        "/api/v1/Bills/1773/Stages",
        {"Skip": "0", "Take": "20"},
    )
    output = callback_output(stages, "bills/bill-1773-stages.json")
    (bill,) = [thing for thing in output if isinstance(thing, Document)]
    assert bill.id == f"bills:bill/{HERB}" and bill.keep_if == "always"  # tracked
    kinds = [event.kind for event in bill.events]
    assert (kinds.count("bill_stage"), kinds.count("bill_publication")) == (23, 7)
    amendments = requests_in(output)
    assert len(amendments) == 14  # one per stage, sat or not
    assert path_of(amendments[8]) == "/api/v1/Bills/1773/Stages/8709/Amendments"


def test_a_bill_found_only_by_a_search_is_kept_only_if_a_campaign_rule_tags_it():
    bills = spider(tracked={})
    (publications,) = callback_output(record_request(bills, 1786), "bills/bill-1786.json")
    (stages,) = callback_output(publications, "bills/bill-1786-publications.json")
    (bill, *_) = callback_output(stages, "bills/bill-1786-stages.json")
    assert bill.keep_if == "tagged"


def test_amendments_are_documents_kept_if_tagged_and_paged_by_what_each_page_held():
    bills = spider()
    (publications,) = callback_output(record_request(bills, HERB), "bills/bill-1773.json")
    (stages,) = callback_output(publications, "bills/bill-1773-publications.json")
    lords_committee = requests_in(callback_output(stages, "bills/bill-1773-stages.json"))[8]
    output = callback_output(lords_committee, "bills/bill-1773-stage-8709-amendments-page-1.json")
    documents = [thing for thing in output if isinstance(thing, Document)]
    assert len(documents) == 5 and {d.keep_if for d in documents} == {"tagged"}
    (following,) = requests_in(output)
    assert query_of(following)["Skip"] == "5"
    last = callback_output(following, "bills/bill-1773-stage-8709-amendments-page-2.json")
    assert requests_in(last) == []


def test_a_challenge_page_is_reported_with_the_public_url():
    bills = spider(settings={"RETRY_TIMES": 0})
    assert callback_output(record_request(bills, HERB), "bills/challenge.html") == []
    assert bills.errors[0]["url"] == "https://bills-api.parliament.uk/api/v1/Bills/1773"
    assert bills.errors[0]["reason"].startswith("malformed response")
