"""One event's markup, as every page lists it (`timeline_site/event_items.py`)."""

from typing import Any

from jinja2 import FileSystemLoader

from timeline_site.config import TEMPLATES
from timeline_site.event_items import EventItems
from timeline_site.formatting import highlight, link_citations


def event_item(base_url: str = "/") -> EventItems:
    filters = {"highlight": highlight, "link_citations": link_citations}
    return EventItems(FileSystemLoader(str(TEMPLATES)), filters, base_url)


def an_event(**changes: Any) -> dict[str, Any]:
    return {
        "anchor": "event-hansard-1",
        "date": "2016-10-11",
        "display_date": "11 October 2016",
        "kind_label": "Debate",
        "source_label": "Hansard",
        "safe_url": "https://hansard.parliament.uk/x",
        "title": "School Census <Nationality>",
        "who": "Lord Storey",
        "snippet": None,
        "summary": "The Regulations (SI 2016/808) add nationality. " + "More words. " * 40,
        "note": "",
        "cites": ["uksi/2016/808", "ukpga/1996/56"],
        "bill_path": "/bill/2034",
        "why": ["it cites SI 2016/808"],
        **changes,
    }


def test_links_to_the_sites_own_pages_keep_its_base_url():
    html = event_item("/pupil-data/")(an_event())
    assert html.count('href="/pupil-data/si/uksi/2016/808"') == 2  # in the summary and "Cites"
    assert 'href="/pupil-data/bill/2034"' in html
    # Acts have no page here: they link to legislation.gov.uk.
    assert 'href="https://www.legislation.gov.uk/ukpga/1996/56"' in html


def test_the_full_form_says_why_and_the_compact_form_is_short():
    full, compact = event_item()(an_event()), event_item()(an_event(), compact=True, heading="h5")
    assert 'id="event-hansard-1"' in full and "Why is this here?" in full
    assert "<h3 class=" in full and "<h5 class=" in compact
    assert "id=" not in compact and "Why is this here?" not in compact
    assert 'target="_blank"' in compact and len(compact) < len(full) / 2


def test_what_the_sources_wrote_is_escaped():
    html = event_item()(an_event())
    assert "School Census &lt;Nationality&gt;" in html and "<Nationality>" not in html
