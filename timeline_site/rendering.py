"""The site's own pages, rendered without Jinja's async mode.

Datasette renders every template in Jinja's async mode, where each value written, each
attribute and each filter goes through an awaitable wrapper, so that a template can call
Datasette's async helpers. The site's pages call none: what a page shows is read before
it is rendered, in one trip to an SQL thread (`queries.read`), and they extend
`page.html`, which has no breadcrumbs (Datasette's breadcrumbs call an async helper).
They are rendered by a synchronous overlay of Datasette's environment, which shares its
loader, filters and globals (the site's own included), while Datasette still makes each
page's context and runs its plugin hooks (`Datasette.render_template`). The page of SI
2016/808 (50 events of 100,000) rendered in 1.12 ms rather than 1.27 (bench/README.md,
figure 3).

Datasette's own pages (tables, queries, rows) and the error page extend `base.html`,
which is `page.html` with Datasette's breadcrumbs, and keep Datasette's environment.
Only they import the breadcrumbs: imported "with context", a template module ties the
render's context, with every event a page lists, into a reference cycle, which only the
garbage collector frees, in the middle of some later request.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, Template

if TYPE_CHECKING:
    from datasette.app import Datasette
    from datasette.utils.asgi import Request


class PageTemplate(Template):
    """A template of the synchronous overlay: `Datasette.render_template` awaits
    `render_async`, which renders it synchronously."""

    async def render_async(self, *args: Any, **kwargs: Any) -> str:
        return self.render(*args, **kwargs)


_OVERLAYS: weakref.WeakKeyDictionary[Environment, Environment] = weakref.WeakKeyDictionary()


def synchronous_overlay(env: Environment) -> Environment:
    """`env` without async mode, made once per environment, after Datasette's start-up has
    let every plugin prepare it (an overlay shares its filters and globals)."""
    overlay = _OVERLAYS.get(env)
    if overlay is None:
        overlay = env.overlay(enable_async=False)
        overlay.template_class = PageTemplate
        _OVERLAYS[env] = overlay
    return overlay


async def render_page(
    datasette: Datasette, template: str, context: dict[str, Any], request: Request
) -> str:
    """The page `template` of the site, with `context`, as Datasette renders a template."""
    page = synchronous_overlay(datasette.jinja_env).get_template(template)
    return await datasette.render_template(page, context, request=request)
