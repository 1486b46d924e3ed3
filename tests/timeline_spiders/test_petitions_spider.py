"""The petitions spider's requests and callbacks, without a network or a crawl."""

from __future__ import annotations

from tests.support.spiders import (
    build_spider,
    callback_output,
    path_of,
    query_of,
    ran_yesterday,
    requests_in,
    start_requests,
)
from timeline_spiders.items import Document
from timeline_spiders.spiders.petitions import PetitionsSpider


def documents(output: list) -> list[str]:
    return [thing.id for thing in output if isinstance(thing, Document)]


def test_a_first_run_searches_current_and_archived_petitions_in_pages_of_fifty():
    requests = start_requests(build_spider(PetitionsSpider))
    assert [(path_of(r), query_of(r)) for r in requests] == [
        ("/petitions.json", {"q": "pupil nationality", "state": "all", "count": "50"}),
        ("/archived/petitions.json", {"q": "pupil nationality", "state": "all", "count": "50"}),
    ]


def test_a_nightly_run_leaves_the_archive_alone_and_fetches_tracked_petitions():
    petitions = build_spider(
        PetitionsSpider, earlier=ran_yesterday(), tracked={"petitions": ("171928",)}
    )
    assert [path_of(r) for r in start_requests(petitions)] == [
        "/petitions/171928.json",
        "/petitions.json",
    ]


def test_a_list_page_is_the_documents_and_the_sites_next_link_is_followed_on_our_base():
    petitions = build_spider(PetitionsSpider)
    search = start_requests(petitions)[0]
    output = callback_output(search, "petitions/list-pupil-data-page-1.json")
    assert documents(output) == ["petitions:700123", "petitions:701555"]
    (following,) = requests_in(output)
    assert following.url == "http://127.0.0.1:8123/petitions.json?count=2&page=2&q=pupil+data"
    assert requests_in(callback_output(following, "petitions/list-pupil-data-page-2.json")) == []


def test_a_petition_found_twice_is_yielded_once():
    petitions = build_spider(PetitionsSpider)
    search = start_requests(petitions)[0]
    callback_output(search, "petitions/list-pupil-data-page-1.json")
    assert documents(callback_output(search, "petitions/list-pupil-data-page-1.json")) == []


def test_a_tracked_petition_is_read_from_its_own_page():
    petitions = build_spider(PetitionsSpider, tracked={"petitions": ("171928",)})
    tracked = start_requests(petitions)[0]
    output = callback_output(tracked, "petitions/archived-petition-171928.json")
    assert documents(output) == ["petitions:archived/171928"]


def test_an_html_page_served_with_200_is_reported_with_the_public_url():
    petitions = build_spider(PetitionsSpider, settings={"RETRY_TIMES": 0})
    search = start_requests(petitions)[0]
    assert callback_output(search, "petitions/challenge.html") == []
    (error,) = petitions.errors
    assert error["url"] == (
        "https://petition.parliament.uk/petitions.json?q=pupil+nationality&state=all&count=50"
    )
