"""CSV of any table or query (`/timeline/<name>.csv`), safe to open in a spreadsheet.

A cell that begins with `=`, `+`, `-`, `@` (or a tab or carriage return) is a formula to
Excel and LibreOffice: a stored title such as `=HYPERLINK(...)` would run when a reader
opens the file. Every such cell is written with a leading apostrophe, which spreadsheets
show as text. The rows are Datasette's own JSON for the same address, one page at a time
(never streamed: a stream outlives its client), with a `Link` header to the next page.
"""

from __future__ import annotations

import csv
import io
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from datasette.utils.asgi import Request, Response

from timeline_site.queries import DATABASE

if TYPE_CHECKING:
    from datasette.app import Datasette

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Sent on the site's own request for the JSON, so the guard does not count it twice.
INTERNAL_HEADER = "x-timeline-internal"
INTERNAL_TOKEN = secrets.token_hex(16)
#: What only the CSV understands; everything else is passed on to the JSON as it is.
CSV_ONLY = ("_dl", "_stream", "_shape")


def safe_cell(value: Any) -> str:
    """A value as CSV text a spreadsheet shows and never runs."""
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_text(columns: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(column) for column in columns])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return out.getvalue()


async def csv_export(datasette: Datasette, request: Request) -> Response:
    path = request.url_vars["path"]
    query = [(k, v) for k, v in parse_qsl(request.query_string) if k not in CSV_ONLY]
    json_url = f"/{DATABASE}/{path}.json?{urlencode([*query, ('_shape', 'objects')])}"
    answer = await datasette.client.get(json_url, headers={INTERNAL_HEADER: INTERNAL_TOKEN})
    if answer.status_code != 200:
        return Response.text(_error(answer), status=answer.status_code)
    data = answer.json()
    columns = list(data.get("columns") or (data["rows"][0].keys() if data.get("rows") else []))
    rows = [[row.get(column) for column in columns] for row in data.get("rows") or []]
    headers = {}
    if request.args.get("_dl"):
        headers["Content-Disposition"] = f'attachment; filename="{path.replace("/", "-")}.csv"'
    if data.get("next_url"):
        next_query = urlencode([*query, ("_next", data["next"])])
        headers["Link"] = (
            f'<{datasette.urls.path(f"/{DATABASE}/{path}.csv")}?{next_query}>; rel="next"'
        )
    return Response(
        csv_text(columns, rows), content_type="text/csv; charset=utf-8", headers=headers
    )


def _error(answer: Any) -> str:
    try:
        return str(answer.json().get("error") or "This export cannot be made.")
    except ValueError:
        return "This export cannot be made."
