"""Which SQL thread runs a request's statements, and at what CPU priority.

Two pools, chosen by the request, not the statement:
- Datasette's own SQL threads run what the guard counts as expensive (searches, its table,
  query and export pages: `guard.is_expensive`). They run below the event loop's CPU
  priority (`SQL_THREAD_NICENESS`): the loop answers cached embeds and campaign pages in
  microseconds, and on two cores it must not wait behind a search's ranking and
  snippets for one.
- A small pool of page threads, at the loop's priority, runs everything else: campaign
  pages, embeds, the Atom feeds, instrument and bill pages, the front and status pages.
  When a crowd asks for pages that are not cached yet (or different ones), each needs a
  few milliseconds of SQL; on the lowered threads those milliseconds queued behind the
  searches' for the little CPU left to low priority (figure 6 with the page cache off:
  the embed's p95 108 ms while five clients searched, bench/README.md).

The guard marks an expensive request (`EXPENSIVE`, a context variable, so every
statement the request sends, through Datasette or `queries.read`, goes to its pool).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from typing import Any

from datasette.database import Database, connections

#: Whether the request being served is one the guard counts as expensive.
EXPENSIVE: ContextVar[bool] = ContextVar("timeline_expensive_request", default=False)
#: How much lower an expensive request's SQL thread runs than the event loop (Linux nice).
SQL_THREAD_NICENESS = 10
#: Page threads: each page's SQL is a few bounded milliseconds, and two cores run at
#: most two at once; a third lets one page wait on the disk while two compute.
PAGE_THREADS = 3
PAGE_THREAD_PREFIX = "timeline-page"


def lower_this_threads_priority() -> None:
    """Run the calling SQL thread below the event loop: a no-op on the main thread and
    the page threads, and where the system cannot."""
    current = threading.current_thread()
    if current is threading.main_thread() or current.name.startswith(PAGE_THREAD_PREFIX):
        return
    with contextlib.suppress(OSError, AttributeError):
        # The main thread's id is the process id: its priority is the loop's.
        loop_priority = os.getpriority(os.PRIO_PROCESS, os.getpid())
        wanted = min(19, loop_priority + SQL_THREAD_NICENESS)
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), wanted)


class TimelineDatabase(Database):
    """The timeline database as Datasette serves it, with each request's statements run
    in the pool its request belongs to. The page threads are the database's own, as
    Datasette's are its instance's: a thread's connection is to this database's file
    (a process that serves one database after another, as the tests do, never reads an
    earlier one's), and the threads end when the database is dropped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page_threads = ThreadPoolExecutor(PAGE_THREADS, thread_name_prefix=PAGE_THREAD_PREFIX)

    async def execute_fn(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        if self.ds.executor is None:
            return await super().execute_fn(fn)
        executor = self.ds.executor if EXPENSIVE.get() else self.page_threads
        return await asyncio.get_running_loop().run_in_executor(
            executor, lambda: fn(self.thread_connection())
        )

    def thread_connection(self) -> sqlite3.Connection:
        """The calling thread's connection, opened and prepared (the site's SQL functions,
        its priority) as Datasette prepares its own, on first use."""
        conn: sqlite3.Connection | None = getattr(connections, self.name, None)
        if conn is None:
            conn = self.connect()
            self.ds._prepare_connection(conn, self.name)
            setattr(connections, self.name, conn)
        return conn
