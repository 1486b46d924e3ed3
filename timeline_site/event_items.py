"""Timeline events as HTML, rendered without Jinja's async machinery.

Every page lists events with the same markup, the `event_item` macro of
`templates/_timeline_event.html`. Datasette renders its templates in Jinja's async mode,
where every macro call, attribute and filter goes through an awaitable wrapper; for a
campaign page of 100 events that was about half the time the page took beyond its SQL
(bench/README.md, figure 3). The markup needs nothing asynchronous, so a synchronous
environment over the same template files renders it, and the pages call `event_item` as
before and insert what it returns.
"""

from __future__ import annotations

from typing import Any

from jinja2 import BaseLoader, Environment
from markupsafe import Markup

TEMPLATE = "_timeline_event.html"


class EventItems:
    """`event_item(event, compact=False, heading="h3")` for page templates: one event's
    `<li>`. `base_url` is Datasette's setting of that name ("/" at the root)."""

    def __init__(self, loader: BaseLoader | None, filters: dict[str, Any], base_url: str) -> None:
        environment = Environment(loader=loader, autoescape=True)
        environment.filters.update(filters)
        # A plain string, where Datasette's `urls.path` makes a str subclass whose every
        # method call lists str's attributes.
        environment.globals["path"] = lambda path: base_url + path.lstrip("/")
        self._macro = environment.get_template(TEMPLATE).module.event_item  # type: ignore[attr-defined]

    def __call__(self, event: dict[str, Any], compact: bool = False, heading: str = "h3") -> Markup:
        return Markup(self._macro(event, compact=compact, heading=heading))
