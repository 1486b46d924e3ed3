from timeline_spiders.base import rebase

PUBLIC = "https://www.legislation.gov.uk"
LOCAL = "http://127.0.0.1:8123"


def test_public_links_are_fetched_from_the_configured_base():
    url = "http://www.legislation.gov.uk/uksi/data.feed?title=pupil%20information&page=2"
    assert rebase(url, PUBLIC, LOCAL) == f"{LOCAL}/uksi/data.feed?title=pupil%20information&page=2"


def test_fetched_urls_are_stored_as_public_ones():
    assert rebase(f"{LOCAL}/uksi/2016/808/made/data.xml", LOCAL, PUBLIC) == (
        f"{PUBLIC}/uksi/2016/808/made/data.xml"
    )


def test_links_to_other_hosts_are_left_alone():
    url = "https://assets.publishing.service.gov.uk/file.pdf"
    assert rebase(url, PUBLIC, LOCAL) == url


def test_links_to_legislation_gov_uks_other_names_are_fetched_from_the_configured_base():
    # Older Atom feeds link their next page on legislation.data.gov.uk, over http.
    url = "http://legislation.data.gov.uk/1110-2016/data.feed?page=675"
    assert rebase(url, PUBLIC, LOCAL) == f"{LOCAL}/1110-2016/data.feed?page=675"
