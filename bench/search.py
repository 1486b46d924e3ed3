"""Figure 3 (and Datasette's memory in figure 5): search and pages at scale.

A database of `events` items (one event each) and `db_contributions` contributions is
built directly in the project's schema (cached under bench/.data/<scale>/). Datasette runs
in a subprocess with the project's metadata, templates and plugins, and is asked through
its ASGI client for the `search` canned query, the campaign page and the embed page; the
baseline is the raw FTS5 query (`items_fts match ... order by rank limit 100`) in sqlite3
on the same file. Every SQL statement the pages run is shown with EXPLAIN QUERY PLAN, and
a SCAN of a big table is flagged.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from datetime import date

from bench.common import PYTHON, ROOT, Figure, Scale, data_dir, percentile, run_measured
from bench.generate import build_database
from timeline_site.campaign_pages import Filters
from timeline_site.queries import (
    EVENT_ROWS_SQL,
    TIMELINE_SPAN_SQL,
    event_ids_sql,
    past_query,
    query_params,
    upcoming_query,
)

#: What readers search for: campaign words and phrases (the site's timeline_fts makes a
#: phrase an AND of its words), plus one frequent real word.
QUERIES = ["nationality", "school census", "home office pupil data", "pregnancy", "minister"]
CAMPAIGN = "boycott-school-census"
PAGES = {
    "campaign page": f"/campaign/{CAMPAIGN}",
    "campaign page, searched": f"/campaign/{CAMPAIGN}?q=nationality",
    "embed page": f"/embed/{CAMPAIGN}",
}
BIG_TABLES = ("items", "events", "contributions", "item_campaigns", "citations", "versions")
#: The statements (see page_statements) each measured request runs.
STATEMENTS_OF = {
    "search canned query": ["search canned query"],
    "campaign page": [
        "campaign/embed past events",
        "campaign upcoming events",
        "campaign filter choices",
    ],
    "campaign page, searched": ["campaign/embed past events", "campaign filter choices"],
    "embed page": ["campaign/embed past events"],
}
SEARCH_TARGET_MS, PAGE_TARGET_MS = 100, 200
RAW_FTS = (
    "select rowid, snippet(items_fts, -1, '[', ']', '…', 24) from items_fts"
    " where items_fts match ? order by rank limit 100"
)


def database(scale: Scale):
    folder = data_dir(scale)
    return build_database(
        folder / f"timeline-{scale.events}-{scale.db_contributions}" / "timeline.db",
        scale.events,
        scale.db_contributions,
    )


def fts_query(text: str) -> str:
    return " ".join(f'"{word}"' for word in text.split())


def raw_fts_latencies(path, samples: int) -> list[float]:
    conn = sqlite3.connect(path)
    times = []
    for round_ in range(samples):
        query = fts_query(QUERIES[round_ % len(QUERIES)])
        start = time.perf_counter()
        conn.execute(RAW_FTS, [query]).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    conn.close()
    return times


def page_statements() -> dict[str, tuple[str, dict[str, object]]]:
    """The SQL the search query and the pages run, with typical parameters."""
    metadata = json.loads((ROOT / "datasette_metadata.json").read_text())
    search_sql = metadata["databases"]["timeline"]["queries"]["search"]["sql"]
    today = date.today().isoformat()
    searched = past_query([], {}, "nationality", 101)
    params = {"campaign": CAMPAIGN, "today": today, "limit": 101}
    statements: dict[str, tuple[str, dict[str, object]]] = {
        "search canned query": (
            search_sql.replace("timeline_fts(:q)", ":q"),
            {"q": fts_query("nationality")},
        ),
        "campaign/embed past event ids": (event_ids_sql(past_query([], {}, "", 101)), params),
        "campaign page, searched, event ids": (
            event_ids_sql(searched),
            query_params(searched, campaign=CAMPAIGN),
        ),
        "campaign upcoming event ids": (event_ids_sql(upcoming_query()), params),
        "timeline rows of chosen events": (EVENT_ROWS_SQL, {"ids": '["x", "y"]'}),
        "filter menu years": (TIMELINE_SPAN_SQL, {}),
    }
    assert Filters().where() == ([], {})
    return statements


def query_plans(path) -> tuple[list[str], list[str]]:
    """EXPLAIN QUERY PLAN of each statement; and the big tables any of them scans."""
    conn = sqlite3.connect(path)
    lines, scans = [], []
    for name, (sql, params) in page_statements().items():
        lines.append(f"-- {name}")
        for _, parent, _, detail in conn.execute(f"explain query plan {sql}", params):
            lines.append(f"   {parent:>3} {detail}")
            words = detail.split()
            if words[0] == "SCAN" and words[1] in BIG_TABLES and "INDEX" not in detail:
                scans.append(f"{name}: {detail}")
    conn.close()
    return lines, scans


def measure(scale: Scale) -> tuple[list[Figure], dict]:
    start = time.perf_counter()
    path = database(scale)
    build_seconds = time.perf_counter() - start
    raw = raw_fts_latencies(path, scale.samples * 2)
    env = {**os.environ, "BENCH_SAMPLES": str(scale.samples)}
    returncode, output, datasette_mb, _ = run_measured(
        [PYTHON, "-m", "bench.search_child", str(path)], cwd=ROOT, env=env
    )
    if returncode != 0:
        raise RuntimeError(f"bench.search_child failed ({returncode}):\n{output[-3000:]}")
    result = json.loads(output.strip().splitlines()[-1])
    plans, scans = query_plans(path)
    raw_p50, raw_p95 = percentile(raw, 0.5), percentile(raw, 0.95)
    figures = []
    for name, latencies in result["latencies"].items():
        target = SEARCH_TARGET_MS if name == "search canned query" else PAGE_TARGET_MS
        p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
        statements = STATEMENTS_OF[name]
        scanned = [scan for scan in scans if scan.split(":")[0] in statements]
        figures.append(
            Figure(
                name=f"3 {name} p95 ({scale.events:,} events; p50 {p50:.1f} ms)",
                value=p95,
                baseline=raw_p95,
                unit="ms",
                baseline_label=f"raw FTS5 query in sqlite3, p95; p50 {raw_p50:.1f} ms",
                target=f"p95 < {target} ms, no full scan",
                met=p95 < target and not scanned,
                ratio=p95 / raw_p95,
            )
        )
    details = {
        "build_seconds": build_seconds,
        "plans": plans,
        "scans": scans,
        "datasette_rss_mb": datasette_mb,
        "idle_rss_mb": result["idle_rss_mb"],
    }
    return figures, details
