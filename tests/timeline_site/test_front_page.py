"""The front door (`/`): the campaigns, what happened lately, and one search box."""

from tests.support.site import AP_CENSUS, CENSUS, get


def test_the_front_door_leads_to_each_campaign_and_to_search(site_db):
    page = get(site_db, "/").text
    assert f'href="/campaign/{CENSUS}">#BoycottSchoolCensus</a>' in page
    assert f'href="/campaign/{AP_CENSUS}">#LabelsLastaLifetime</a>' in page
    assert 'action="/search"' in page and 'name="q"' in page


def test_it_shows_what_happened_lately_and_what_is_coming_up(site_db):
    page = get(site_db, "/").text
    card = page.split("#BoycottSchoolCensus</a>", 1)[1].split("campaign-card", 1)[0]
    assert (
        card.index("Coming up")
        < card.index("Census day, spring 2030")
        < card.index("Most recently")
    )
    assert "Pupil Information Regulations: Motion to Regret" in card


def test_a_campaign_with_nothing_yet_says_so(site_db):
    page = get(site_db, "/").text
    card = page.split("#LabelsLastaLifetime</a>", 1)[1]
    assert "Nothing on this timeline yet." in card


def test_the_tables_are_still_there_for_people_who_want_the_data(site_db):
    page = get(site_db, "/").text
    assert 'href="/timeline"' in page
    tables = get(site_db, "/timeline").text
    assert "timeline" in tables and "runs" in tables
