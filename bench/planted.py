"""Regressions planted on purpose, so the tests can show each benchmark's checks failing
when they should.

`python -m bench.planted NAME` serves the site exactly as `bin/serve` does
(`timeline_site.serve.main`), and `python -m bench.planted NAME scrapy ARGS...` runs a
scrapy command exactly as `scrapy ARGS...` does, with the regression NAME planted first:

- `unguarded`: the guard's limit on expensive requests removed (any number at once);
- `no-page-cache`: the guard's page cache off (not a regression: figure 6 measures the
  crowd with and without it);
- `retag-holds-the-lock`: each chunk of a re-tag holds its write transaction 1.5 s longer
  after writing;
- `legislation-window-only`: the legislation spider searches only the feeds of its
  incremental window's years, as it did before issue 17 (a late-registered instrument
  of last year is never found).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from pipelines import retag
from timeline_site import guard, serve


def unguarded() -> None:
    guard.EXPENSIVE_AT_ONCE = 10_000


def no_page_cache() -> None:
    """Not a regression: the site without its page cache, to measure the origin's work
    under a crowd (figure 6 reports both)."""
    import re

    guard.CACHED_PAGES = re.compile(r"(?!)")


def retag_holds_the_lock() -> None:
    write = retag._write

    def slow_write(*args: Any) -> None:
        write(*args)
        # After the writes: the transaction is deferred, so the lock is taken by them.
        time.sleep(1.5)

    retag._write = slow_write  # type: ignore[assignment]


def legislation_window_only() -> None:
    from datetime import date
    from urllib.parse import urlencode

    from timeline_spiders.spiders.legislation import LegislationSpider

    def feed_paths(self: LegislationSpider, title: str) -> list[str]:
        query = urlencode({"title": title})
        if self.search_since is None:
            return [f"/uksi/data.feed?{query}"]
        years = range(self.search_since.year, date.today().year + 1)
        return [f"/uksi/{year}/data.feed?{query}" for year in years]

    LegislationSpider.feed_paths = feed_paths  # type: ignore[method-assign]


PLANTS = {
    "unguarded": unguarded,
    "no-page-cache": no_page_cache,
    "retag-holds-the-lock": retag_holds_the_lock,
    "legislation-window-only": legislation_window_only,
}


def main() -> int:
    PLANTS[sys.argv[1]]()
    if sys.argv[2:3] == ["scrapy"]:
        from scrapy.cmdline import execute

        sys.argv = ["scrapy", *sys.argv[3:]]
        execute()
        return 0
    return serve.main()


if __name__ == "__main__":
    sys.exit(main())
