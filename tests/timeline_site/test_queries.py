"""How the site's pages read the database: one trip to an SQL thread a page, each
statement under Datasette's time limit."""

import sqlite3

import pytest
from datasette.database import Database, QueryInterrupted

from tests.support.site import AP_CENSUS, CENSUS, get, site_read
from timeline_site.queries import Reader

#: A statement that takes seconds: SQLite counts to ten million.
SLOW = """with recursive n(i) as (select 1 union all select i + 1 from n where i < 10000000)
select count(*) from n"""


@pytest.mark.parametrize(
    "path",
    [
        "/",
        f"/campaign/{CENSUS}",
        f"/embed/{AP_CENSUS}",
        "/si/uksi/2016/808",
        "/search?q=census",
        "/status",
        f"/timeline/campaign_feed.atom?campaign={CENSUS}",
    ],
)
def test_a_page_reads_everything_it_shows_in_one_trip_to_an_sql_thread(site_db, monkeypatch, path):
    """Each trip waits for a thread and then for the event loop: a page of ten
    statements paid that ten times (bench/README.md, figure 3)."""
    trips: list[object] = []
    execute_fn = Database.execute_fn

    async def counted(self, fn):
        trips.append(fn)
        return await execute_fn(self, fn)

    monkeypatch.setattr(Database, "execute_fn", counted)
    assert get(site_db, path).status_code == 200
    assert len(trips) == 1


def test_each_statement_keeps_the_sites_time_limit(site_db):
    def slow(reader: Reader) -> list[sqlite3.Row]:
        reader.time_limit_ms = 50
        return reader.rows(SLOW)

    with pytest.raises(QueryInterrupted):
        site_read(site_db, slow)
    # The limit is the statement's: the connection is free for the next one.
    assert site_read(site_db, lambda reader: reader.rows("select 1")[0][0]) == 1
