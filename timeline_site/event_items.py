"""Timeline events as HTML: the `<li>` every page lists its events with.

Campaign pages, instrument and bill pages, search results, the embed and the front page
list up to a hundred events each, so this markup is most of what a page renders. As a
Jinja macro (Datasette renders templates in Jinja's async mode, where every attribute
and filter goes through an awaitable wrapper) an event cost about 50 µs, and the SI page
of SI 2016/808, listing 93, took 19 ms against 5 ms for all of its SQL (bench/README.md,
figure 3). Written here with escaped f-strings an event costs about 16 µs, a third of it
linking the citations in its summary, and that page 9 ms; 7 µs since values are escaped
with the standard library's escape (`formatting.escaped`). A list is written in one call
(`event_items`): called once per event from a template loop, Jinja's async machinery
added about 20 µs an event again (2.5 ms of a campaign page's 8 ms of rendering). The
list is made `Markup` once: a `Markup` of each event and of each summary was a fifth
of writing the 50 events of SI 2016/808's page (0.65 -> 0.52 ms). Everything
interpolated goes through `formatting.escaped`, or was made by `formatting` from
escaped text.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markupsafe import Markup

from pipelines.describing import event_anchor
from timeline_site.formatting import citations_linked, escaped, highlight

#: Legislation types with no page here (Acts): cited, they link to legislation.gov.uk.
ACT_TYPES = frozenset({"ukpga", "ukla", "asp", "asc", "anaw", "nia"})

#: Characters of a summary shown in full on a page and, `compact`, in the embed.
SUMMARY_LENGTH, COMPACT_SUMMARY_LENGTH = 400, 160


def shortened(text: str, length: int) -> str:
    """`text`, or its words up to about `length` characters and "...": a summary only
    a few characters over is left whole rather than cut for so little."""
    if len(text) <= length + 5:
        return text
    return text[: length - 3].rsplit(" ", 1)[0] + "..."


class EventItems:
    """`event_item(event, compact=False, heading="h3")` for page templates: one event,
    as `queries.event_for_page` prepares it, as an `<li>`; `event_items(events, ...)`:
    a list of them, in order, as one piece of markup. Compact (the embed and the
    front page) leaves out the anchor, the citations, the note and why it is shown,
    shortens the summary more, and opens the official link in a new tab (the embed is
    inside another site). `base_url` is Datasette's setting of that name ("/" at the
    root)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def path(self, path: str) -> str:
        return self.base_url + path.lstrip("/")

    def __call__(self, event: dict[str, Any], compact: bool = False, heading: str = "h3") -> Markup:
        return Markup(self._item(event, compact, heading))

    def many(
        self, events: list[dict[str, Any]], compact: bool = False, heading: str = "h3"
    ) -> Markup:
        return Markup("".join([self._item(event, compact, heading) for event in events]))

    def _item(self, event: dict[str, Any], compact: bool, heading: str) -> str:
        # The anchor an alert links to, made only where it is shown: hashing each event's
        # id was a fifth of preparing a feed's or an embed's events.
        anchor = "" if compact else f' id="{event_anchor(event["event_id"])}"'
        parts = [
            f'<li class="tl-event"{anchor}>\n'
            f'<div class="tl-date"><time datetime="{escaped(event["date"])}">'
            f"{escaped(event['display_date'])}</time></div>\n"
            "<div>\n"
            f"{meta_line(event['kind_label'], event['source_label'])}"
            f'<{heading} class="tl-heading">{self._title(event, compact)}</{heading}>\n'
        ]
        if event.get("who"):
            parts.append(f'<p class="tl-who">{escaped(event["who"])}</p>\n')
        if event.get("snippet"):
            parts.append(f'<p class="tl-snippet">{highlight(event["snippet"])}</p>\n')
        elif event.get("summary"):
            length = COMPACT_SUMMARY_LENGTH if compact else SUMMARY_LENGTH
            summary = citations_linked(shortened(event["summary"], length), self.base_url)
            parts.append(f'<p class="tl-summary">{summary}</p>\n')
        if not compact:
            parts.extend(self._details(event))
        parts.append("</div>\n</li>")
        return "".join(parts)

    def _title(self, event: dict[str, Any], compact: bool) -> str:
        title = escaped(event["title"])
        if not event.get("safe_url"):
            return title
        new_tab = ' target="_blank"' if compact else ""
        href = escaped(event["safe_url"])
        return f'<a href="{href}" rel="noopener nofollow"{new_tab}>{title}</a>'

    def _details(self, event: dict[str, Any]) -> list[str]:
        """The note, the citations, the bill's page and why the event is shown."""
        parts = []
        if event.get("note"):
            note = escaped(event["note"])
            parts.append(f'<p class="tl-note"><strong>Note:</strong> {note}</p>\n')
        if event.get("cites"):
            links = "".join(citation_link(cited, self.base_url) for cited in event["cites"])
            parts.append(f'<p class="tl-cites">Cites {links}</p>\n')
        if event.get("bill_path"):
            href = escaped(self.path(event["bill_path"]))
            parts.append(f'<p class="tl-cites"><a href="{href}">The bill\'s page</a></p>\n')
        if event.get("why"):
            reasons = "".join(f"<li>{escaped(reason)}</li>" for reason in event["why"])
            parts.append(
                '<details class="tl-why"><summary>Why is this here?</summary>\n'
                f"<ul>{reasons}</ul>\n</details>\n"
            )
        return parts


# A page's events share a few kinds, sources and cited instruments (every event on the
# page of SI 2016/808 cites it): their markup is written once, not once an event.


@lru_cache(maxsize=256)
def meta_line(kind_label: str, source_label: str) -> str:
    """What kind of event it is and where it comes from."""
    return (
        f'<div class="tl-meta"><span class="tl-badge">{escaped(kind_label)}</span>'
        f"<span>{escaped(source_label)}</span></div>\n"
    )


@lru_cache(maxsize=1024)
def citation_link(legislation_id: str, base_url: str) -> str:
    """A link to the instrument's page here, or for an Act, to legislation.gov.uk."""
    text = escaped(legislation_id)
    if legislation_id.split("/")[0] in ACT_TYPES:
        return f'<a href="https://www.legislation.gov.uk/{text}" rel="noopener">{text}</a>'
    return f'<a href="{escaped(base_url + "si/" + legislation_id)}">{text}</a>'
