"""The early day motions spider's requests and callbacks, without a network or a crawl."""

from __future__ import annotations

import json

from tests.support.spiders import (
    FIXTURES,
    StoredItem,
    StubEarlierRuns,
    build_spider,
    callback_output,
    nightly_start,
    path_of,
    query_lists,
    query_of,
    ran_yesterday,
    start_requests,
)
from timeline_spiders.items import Document
from timeline_spiders.spiders.motions import MotionsSpider

PUPIL_INFORMATION = StoredItem("legislation:uksi/2016/808", "The Education (Pupil Information) ...")


def stored_motion(motion_id: int, signatures: int) -> StoredItem:
    return StoredItem(
        f"motions:edm/{motion_id}", "", {"api_id": motion_id, "signature_count": signatures}
    )


def spider(earlier: StubEarlierRuns | None = None, **kwargs) -> MotionsSpider:
    earlier = earlier or StubEarlierRuns(items={"legislation": [PUPIL_INFORMATION]})
    return build_spider(MotionsSpider, earlier=earlier, **kwargs)


def nightly(*motions: StoredItem) -> StubEarlierRuns:
    return StubEarlierRuns(
        last=ran_yesterday().last,
        items={"legislation": [PUPIL_INFORMATION], "motions": list(motions)},
    )


def details(output: list) -> list[str]:
    return [path_of(r) for r in output if path_of(r).startswith("/EarlyDayMotion/")]


def test_a_first_run_lists_each_phrase_and_the_prayers_from_the_back_fill_start():
    requests = start_requests(spider())
    assert [query_of(r) for r in requests] == [
        {
            "parameters.searchTerm": "pupil nationality",
            "parameters.tabledStartDate": "2010-01-01",
            "parameters.skip": "0",
            "parameters.take": "100",
        },
        {
            "parameters.isPrayer": "true",
            "parameters.tabledStartDate": "2010-01-01",
            "parameters.skip": "0",
            "parameters.take": "100",
        },
    ]


def test_a_nightly_run_lists_what_was_tabled_since_and_rereads_stored_motions_by_id():
    stored = [stored_motion(motion_id, 1) for motion_id in range(60000, 60150)]
    requests = start_requests(spider(nightly(*stored)))
    assert {query_of(r).get("parameters.tabledStartDate") for r in requests[:2]} == {
        nightly_start()
    }
    by_id = [[v for k, v in query_lists(r) if k == "parameters.edmIds"] for r in requests[2:]]
    assert [len(ids) for ids in by_id] == [100, 50]  # a hundred a request
    assert by_id[0][0] == "60000"


def test_each_motion_found_is_fetched_once_and_the_list_is_paged():
    motions = spider()
    search = start_requests(motions)[0]
    output = callback_output(search, "motions/list-census-page-1.json")
    assert details(output) == ["/EarlyDayMotion/50123", "/EarlyDayMotion/51077"]
    assert query_of(output[-1])["parameters.skip"] == "2"
    assert details(callback_output(search, "motions/list-census-page-1.json")) == []


def test_only_prayers_against_instruments_the_timeline_follows_are_fetched():
    motions = spider()
    prayers = start_requests(motions)[1]
    output = callback_output(prayers, "motions/list-prayers.json")
    assert details(output) == ["/EarlyDayMotion/50201"]  # not the sea fisheries prayer


def test_a_stored_motion_is_fetched_again_only_when_its_signatures_changed():
    body = json.loads((FIXTURES / "motions/list-by-id.json").read_bytes())
    counts = {motion["Id"]: motion["SponsorsCount"] for motion in body["Response"]}
    stored = [stored_motion(motion_id, count) for motion_id, count in counts.items()]
    stored[0] = stored_motion(50123, counts[50123] - 2)  # two members signed since
    motions = spider(nightly(*stored))
    by_id = start_requests(motions)[-1]
    assert details(callback_output(by_id, "motions/list-by-id.json")) == ["/EarlyDayMotion/50123"]


def test_the_detail_is_the_document():
    motions = spider()
    search = start_requests(motions)[0]
    detail = callback_output(search, "motions/list-census-page-1.json")[0]
    (document,) = callback_output(detail, "motions/motion-50123-school-census-nationality.json")
    assert isinstance(document, Document) and document.id == "motions:edm/50123"


def test_an_api_failure_sent_with_200_is_reported_with_the_public_url():
    motions = spider(settings={"RETRY_TIMES": 0})
    search = start_requests(motions)[0]
    assert callback_output(search, "motions/not-found.json") == []
    (error,) = motions.errors
    assert error["url"].startswith(
        "https://oralquestionsandmotions-api.parliament.uk/EarlyDayMotions/list?"
    )
