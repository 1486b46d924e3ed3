"""Datasette plugin: what a reader sees when a request goes wrong.

A malformed address (`_sort` on a column that does not exist, `id__in=['a`, `_through=`
that is not JSON, a search SQLite cannot read) is the reader's mistake, not the site's:
it is answered 400 with a sentence, never 500 with the server's internals. Anything
else is logged and answered 500 with a plain sentence. Pages explain the error and link
back to the campaigns (the `error.html` template).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from datasette import hookimpl
from datasette.utils.asgi import Base400, Request, Response

if TYPE_CHECKING:
    from datasette.app import Datasette

logger = logging.getLogger(__name__)

#: What bad input raises inside Datasette's table and query pages.
READER_MISTAKES = (sqlite3.Error, ValueError, KeyError, TypeError, json.JSONDecodeError)
MISTAKE = (
    "This address asks for something the timeline cannot answer: a column, filter or "
    "search that does not exist or is not written as expected."
)
FAILURE = "Something went wrong on our side while making this page. It has been logged."


@hookimpl
def handle_exception(
    datasette: Datasette, request: Request, exception: Exception
) -> Callable[[], Awaitable[Response]] | None:
    if isinstance(exception, Base400):
        return None  # Datasette's own 4xx errors already say what was wrong
    if type(exception).__name__ == "DatasetteError":
        # Datasette answers a bad `_sort` and its kin with status 500; the message is
        # about the reader's parameters ("Cannot sort table by nope"), so it is a 400.
        status, message = 400, str(exception.args[0]) if exception.args else MISTAKE
    elif isinstance(exception, READER_MISTAKES):
        status, message = 400, MISTAKE
    else:
        logger.error("%s failed", request.path, exc_info=exception)
        status, message = 500, FAILURE

    async def page() -> Response:
        info: dict[str, Any] = {"ok": False, "error": message, "status": status, "title": None}
        if request.path.endswith(".json"):
            return Response.json(info, status=status)
        html = await datasette.render_template("error.html", info, request=request)
        return Response.html(html, status=status)

    return page
