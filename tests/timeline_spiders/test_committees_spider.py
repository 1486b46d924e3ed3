"""The committees spider's requests and callbacks, without a network or a crawl."""

from __future__ import annotations

from tests.support.spiders import (
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
from timeline_spiders.spiders.committees import CommitteesSpider

PUPIL_INFORMATION = StoredItem(
    "legislation:uksi/2016/808",
    "The Education (Pupil Information) (England) (Miscellaneous Amendments) Regulations 2016",
)
STORED = {
    "legislation": [PUPIL_INFORMATION],
    "bills": [
        StoredItem("bills:bill/1773", "Higher Education and Research Act 2017"),
        StoredItem(
            "bills:bill/1773/amendment/1190455",
            "Amendment 147 to the Higher Education and Research Bill, clause 73",
        ),
    ],
}


def spider(earlier: StubEarlierRuns | None = None, **kwargs) -> CommitteesSpider:
    return build_spider(
        CommitteesSpider, earlier=earlier or StubEarlierRuns(items=STORED), **kwargs
    )


def searches(committees: CommitteesSpider) -> list[dict[str, str]]:
    return [query_of(r) for r in start_requests(committees)]


def test_it_searches_each_phrase_each_stored_instrument_and_each_stored_bill():
    found = searches(spider(tracked={"committee_business": ("4410",)}))
    since = {"StartDate": "2010-01-01", "Skip": "0", "Take": "30"}
    title = "Education (Pupil Information) (England) (Miscellaneous Amendments) Regulations 2016"
    assert found == [
        {"SearchTerm": "pupil nationality", **since},
        {"CommitteeId": "255", "SearchTerm": title, **since},  # the SLSC
        {"CommitteeId": "148", "SearchTerm": title, **since},  # the JCSI
        {"SearchTerm": "Higher Education and Research Bill", **since},  # not "... Act 2017"
        {"CommitteeBusinessId": "4410", **since},
        {"CommitteeBusinessId": "4410", **since},
    ]


def test_a_tracked_inquiry_is_read_for_its_publications_and_its_written_evidence():
    requests = start_requests(spider(tracked={"committee_business": ("4410",)}))
    assert [path_of(r) for r in requests[-2:]] == ["/api/Publications", "/api/WrittenEvidence"]


def test_a_nightly_run_asks_only_for_what_was_published_since_its_last_success():
    found = searches(spider(StubEarlierRuns(last=ran_yesterday().last, items=STORED)))
    assert {query["StartDate"] for query in found} == {nightly_start()}


def test_a_phrase_leads_to_the_whole_inquiry_of_a_committee_followed_once():
    committees = spider()
    phrase_search = start_requests(committees)[0]
    output = callback_output(phrase_search, "committees/publications-pupil-nationality.json")
    documents = [thing for thing in output if isinstance(thing, Document)]
    assert [d.id for d in documents] == [
        "committees:publication/7402",
        "committees:publication/7440",
        "committees:publication/7455",
    ]  # the formal minutes have no date
    inquiries = [(path_of(r), query_of(r)["CommitteeBusinessId"]) for r in requests_in(output)]
    assert inquiries == [
        ("/api/Publications", "4388"),  # the JCHR's
        ("/api/WrittenEvidence", "4388"),
        ("/api/Publications", "4410"),  # the Education Committee's, asked for once
        ("/api/WrittenEvidence", "4410"),
    ]


def test_what_an_instrument_search_finds_is_not_followed_into_its_inquiry_and_is_paged():
    committees = spider()
    slsc = start_requests(committees)[1]
    output = callback_output(slsc, "committees/publications-slsc-page-1.json")
    assert [d.id for d in output if isinstance(d, Document)] == [
        "committees:publication/7301",
        "committees:publication/7302",
    ]
    (following,) = requests_in(output)
    assert query_of(following)["Skip"] == "2"


def test_a_publication_found_twice_is_yielded_once():
    committees = spider()
    slsc = start_requests(committees)[1]
    callback_output(slsc, "committees/publications-slsc-page-1.json")
    again = callback_output(slsc, "committees/publications-slsc-page-1.json")
    assert [thing for thing in again if isinstance(thing, Document)] == []


def test_written_evidence_pages_are_read_as_evidence():
    committees = spider(tracked={"committee_business": ("4410",)})
    evidence = start_requests(committees)[-1]
    output = callback_output(evidence, "committees/written-evidence-pupil-data.json")
    assert [d.events[0].kind for d in output if isinstance(d, Document)] == [
        "committee_evidence"
    ] * 3


def test_a_truncated_body_is_reported_with_the_public_url():
    committees = spider(settings={"RETRY_TIMES": 0})
    search = start_requests(committees)[0]
    assert callback_output(search, "committees/truncated.json") == []
    (error,) = committees.errors
    assert error["url"].startswith("https://committees-api.parliament.uk/api/Publications?")
    assert error["reason"].startswith("malformed response")
