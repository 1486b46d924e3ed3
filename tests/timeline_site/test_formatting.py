"""How the site writes what people read (`timeline_site/formatting.py`)."""

from markupsafe import Markup

from timeline_site.formatting import escaped, escaped_text


def test_text_is_escaped_for_html_and_xml_text_and_attribute_values():
    written = escaped("<a href=\"x\" title='y'>Tom & Jerry</a>")
    assert written == "&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;Tom &amp; Jerry&lt;/a&gt;"


def test_the_text_of_an_element_escapes_only_what_ends_text_there():
    """Quotes end only attribute values: in an element's text they stay as they are."""
    written = escaped_text('<b>Tom & Jerry\'s "show"</b>')
    assert written == '&lt;b&gt;Tom &amp; Jerry\'s "show"&lt;/b&gt;'


def test_a_missing_value_is_nothing_and_any_other_value_is_its_text():
    assert escaped(None) == ""
    assert escaped(2016) == "2016"


def test_markup_is_kept_as_it_is_not_escaped_again():
    assert escaped(Markup("<mark>census</mark> &amp; more")) == "<mark>census</mark> &amp; more"
