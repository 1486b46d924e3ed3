"""Bills, committees, early day motions and petitions as the spiders see them, played by
the fixture server (issue 18).

Searches answer with their fixtures only for the phrase the fixtures were written for,
and lists asked by date answer only for the back-fill's first day: a nightly run, which
asks for what was published since its last success, finds nothing new, as the real
services would answer the day after a crawl.
"""

from __future__ import annotations

import json

from tests.support.fixture_server import FIXTURES, FixtureServer

#: The campaign phrase the fixtures answer; every other phrase finds nothing.
PHRASE = "pupil nationality"
#: The phrase the Bills API fixtures answer (the bills of the student-data campaign).
BILLS_PHRASE = "information about applications to higher education"
#: Where the first run's date-bounded lists start (BACKFILL_FROM's default).
FIRST_DAY = "2010-01-01"

HERB = 1773
BILLS = (1773, 1916, 1779, 1786)
LORDS_COMMITTEE = 8709
SLSC, JCSI = "255", "148"
#: As the SLSC searches ask for it: the stored title without its leading "The".
PUPIL_INFORMATION_2016 = (
    "Education (Pupil Information) (England) (Miscellaneous Amendments) Regulations 2016"
)
#: The Education Committee's inquiry that the campaign phrase leads to.
PUPIL_DATA_INQUIRY = "4410"
MOTIONS = {
    50123: "motion-50123-school-census-nationality.json",
    51077: "motion-51077-alternative-provision-census.json",
    57702: "motion-57702-population-census-2021.json",
    50201: "motion-50201-prayer-pupil-information.json",
}


def stage_ids(bill_id: int) -> list[int]:
    data = json.loads((FIXTURES / f"bills/bill-{bill_id}-stages.json").read_bytes())
    return [stage["id"] for stage in data["items"]]


def serve_bills(server: FixtureServer) -> FixtureServer:
    """Bills API: a two-page search finding four bills (1773 is tracked too), each bill's
    record, publications and stages, and the amendments of the Lords committee stage of
    the Higher Education and Research Bill; every other stage has none."""
    bills = "/api/v1/Bills"
    search = {"SearchTerm": BILLS_PHRASE}
    server.add_matching(bills, {**search, "Skip": "0"}, "bills/bills-search-page-1.json")
    server.add_matching(bills, {**search, "Skip": "3"}, "bills/bills-search-page-2.json")
    server.add_matching(bills, {}, "bills/bills-search-empty.json")
    for bill_id in BILLS:
        server.add(f"{bills}/{bill_id}", f"bills/bill-{bill_id}.json")
        server.add(f"{bills}/{bill_id}/Publications", f"bills/bill-{bill_id}-publications.json")
        server.add_matching(f"{bills}/{bill_id}/Stages", {}, f"bills/bill-{bill_id}-stages.json")
    amendments = f"{bills}/{HERB}/Stages/{LORDS_COMMITTEE}/Amendments"
    page = "bills/bill-1773-stage-8709-amendments-page-{}.json"
    server.add_matching(amendments, {"Skip": "0"}, page.format(1))
    server.add_matching(amendments, {"Skip": "5"}, page.format(2))
    for bill_id in BILLS:
        for stage_id in stage_ids(bill_id):
            path = f"{bills}/{bill_id}/Stages/{stage_id}/Amendments"
            server.add_matching(path, {}, "bills/amendments-none.json")
    return server


def serve_committees(server: FixtureServer, first_day: str = FIRST_DAY) -> FixtureServer:
    """Committees API: the phrase finds four publications of two inquiries; the SLSC's
    publications naming SI 2016/808 come in two pages (its report, a near miss, a letter);
    the Education Committee's inquiry has three pieces of written evidence; a search for
    the Higher Education and Research Bill finds the JCHR's report on it."""
    publications, evidence = "/api/Publications", "/api/WrittenEvidence"
    first = {"StartDate": first_day, "Skip": "0"}
    server.add_matching(
        publications,
        {**first, "SearchTerm": PHRASE},
        "committees/publications-pupil-nationality.json",
    )
    slsc = {"CommitteeId": SLSC, "SearchTerm": PUPIL_INFORMATION_2016, "StartDate": first_day}
    server.add_matching(
        publications, {**slsc, "Skip": "0"}, "committees/publications-slsc-page-1.json"
    )
    server.add_matching(
        publications, {**slsc, "Skip": "2"}, "committees/publications-slsc-page-2.json"
    )
    server.add_matching(
        publications,
        {**first, "SearchTerm": "Higher Education and Research Bill"},
        "committees/publications-higher-education-bill.json",
    )
    server.add_matching(
        evidence,
        {**first, "CommitteeBusinessId": PUPIL_DATA_INQUIRY},
        "committees/written-evidence-pupil-data.json",
    )
    server.add_matching(publications, {}, "committees/publications-empty.json")
    server.add_matching(evidence, {}, "committees/written-evidence-empty.json")
    return server


def serve_motions(server: FixtureServer, first_day: str = FIRST_DAY) -> FixtureServer:
    """Early day motions: three motions whose titles have the phrase (two pages), two
    prayers (one against SI 2016/808), each motion's detail, and the stored motions by id
    with the signatures they had."""
    lists = "/EarlyDayMotions/list"
    phrase = {"parameters.searchTerm": PHRASE, "parameters.tabledStartDate": first_day}
    page = "motions/list-census-page-{}.json"
    server.add_matching(lists, {**phrase, "parameters.skip": "0"}, page.format(1))
    server.add_matching(lists, {**phrase, "parameters.skip": "2"}, page.format(2))
    prayers = {"parameters.isPrayer": "true", "parameters.tabledStartDate": first_day}
    server.add_matching(lists, prayers, "motions/list-prayers.json")
    # The query's last edmIds value: the ids are asked for in order.
    server.add_matching(lists, {"parameters.edmIds": "57702"}, "motions/list-by-id.json")
    server.add_matching(lists, {}, "motions/list-empty.json")
    for motion_id, fixture in MOTIONS.items():
        server.add(f"/EarlyDayMotion/{motion_id}", f"motions/{fixture}")
    return server


def serve_petitions(server: FixtureServer) -> FixtureServer:
    """Petitions: two pages of current petitions for the phrase (the second reached by the
    site's own `next` link) and one archived petition; every other search finds none."""
    server.add_matching("/petitions.json", {"q": PHRASE}, "petitions/list-pupil-data-page-1.json")
    server.add_matching(
        "/petitions.json", {"q": "pupil data", "page": "2"}, "petitions/list-pupil-data-page-2.json"
    )
    server.add_matching(
        "/archived/petitions.json", {"q": PHRASE}, "petitions/archived-list-nationality.json"
    )
    for path in ("/petitions.json", "/archived/petitions.json"):
        server.add_matching(path, {}, "petitions/list-empty.json")
    return server


def serve_parliament_business(server: FixtureServer, first_day: str = FIRST_DAY) -> FixtureServer:
    """The four sources of issue 18 on one server; `first_day` is the first run's
    BACKFILL_FROM."""
    serve_committees(serve_bills(server), first_day)
    return serve_petitions(serve_motions(server, first_day))
