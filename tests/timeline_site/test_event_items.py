"""One event's markup, as every page lists it (`timeline_site/event_items.py`)."""

from typing import Any

from pipelines.describing import event_anchor
from timeline_site.event_items import EventItems, shortened
from timeline_site.formatting import HIGHLIGHT_END, HIGHLIGHT_START


def event_item(base_url: str = "/") -> EventItems:
    return EventItems(base_url)


def an_event(**changes: Any) -> dict[str, Any]:
    return {
        "event_id": "hansard:1:debate",
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
    """The full form has the anchor alerts link to (timeline_jobs/alerts)."""
    full, compact = event_item()(an_event()), event_item()(an_event(), compact=True, heading="h5")
    assert f'id="{event_anchor("hansard:1:debate")}"' in full and "Why is this here?" in full
    assert "<h3 class=" in full and "<h5 class=" in compact
    assert "id=" not in compact and "Why is this here?" not in compact
    assert 'target="_blank"' in compact and "tl-cites" not in compact
    assert compact.count("More words") < full.count("More words")


def test_what_the_sources_wrote_is_escaped():
    html = event_item()(an_event())
    assert "School Census &lt;Nationality&gt;" in html and "<Nationality>" not in html


def test_what_the_sources_wrote_is_escaped_everywhere_it_is_shown():
    html = event_item()(
        an_event(
            who='<img src=x onerror="alert(1)">',
            summary="<script>alert(1)</script>",
            note="<b>bold</b>",
            why=["<i>rule</i>"],
            safe_url='https://example.org/"onmouseover="x',
        )
    )
    for raw in ("<img", "<script>", "<b>", "<i>", '"onmouseover="'):
        assert raw not in html


def test_a_search_snippet_shows_its_matched_words_instead_of_the_summary():
    snippet = f"the {HIGHLIGHT_START}census{HIGHLIGHT_END} <asks>"
    html = event_item()(an_event(snippet=snippet))
    assert "the <mark>census</mark> &lt;asks&gt;" in html
    assert "tl-summary" not in html


def test_without_a_safe_link_the_title_is_plain_text():
    html = event_item()(an_event(safe_url=None))
    assert '<a href="https://hansard' not in html
    assert '<h3 class="tl-heading">School Census &lt;Nationality&gt;</h3>' in html


def test_a_long_summary_ends_at_a_word_and_one_a_little_long_is_left_whole():
    words = "census " * 100
    assert shortened(words, 160).endswith("census...")
    assert len(shortened(words, 160)) <= 160
    assert shortened("x" * 164, 160) == "x" * 164
    compact = event_item()(an_event(summary=words), compact=True)
    full = event_item()(an_event(summary=words))
    assert compact.count("census") < full.count("census") < 100


def test_a_list_is_its_events_in_order_as_one_piece_of_markup():
    items = event_item()
    first, second = an_event(title="First"), an_event(title="Second", event_id="hansard:2:debate")
    listed = items.many([first, second], compact=True, heading="h5")
    assert listed == items(first, compact=True, heading="h5") + items(
        second, compact=True, heading="h5"
    )
    assert listed.index("First") < listed.index("Second")
    assert items.many([]) == ""
