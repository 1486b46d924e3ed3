"""`python -m timeline_site.serve`: serve the timeline (what `bin/serve` runs).

Environment: TIMELINE_DB (default data/timeline.db), HOST and PORT (default
127.0.0.1:8001), TIMELINE_PUBLIC_URL (where readers reach the site, default
http://HOST:PORT), TIMELINE_IMMUTABLE=1 to serve a published copy
(timeline_site/publish.py) as an immutable file, opening each new copy swapped in.
Refuses to start, saying why in one sentence, when the database is missing or unusable.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys

import uvicorn

from timeline_site.config import SiteUnavailable, build_datasette


def main() -> int:
    host, port = os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "8001"))
    try:
        datasette = build_datasette(
            os.environ.get("TIMELINE_DB", "data/timeline.db"),
            public_url=os.environ.get("TIMELINE_PUBLIC_URL") or f"http://{host}:{port}",
            immutable=os.environ.get("TIMELINE_IMMUTABLE", "") not in ("", "0", "false"),
        )
    except SiteUnavailable as error:
        print(f"Not serving: {error}", file=sys.stderr)
        return 2
    asyncio.run(datasette.invoke_startup())
    set_aside_what_lives_as_long_as_the_server()
    uvicorn.run(
        datasette.app(),
        host=host,
        port=port,
        log_level="info",
        lifespan="on",
        # Default: wait for every open connection; a client that never finishes reading
        # would keep the process from stopping.
        timeout_graceful_shutdown=5,
    )
    return 0


def set_aside_what_lives_as_long_as_the_server() -> None:
    """Keep the objects made at start-up (modules, templates, the rules) out of every later
    garbage collection. A full collection walks every object in the process: at start-up
    that is some 100,000, 56 ms at a time, and a reader whose request met one waited
    that long (figure 3's slowest pages were these pauses). Frozen, a full collection
    walks only what requests made since."""
    gc.collect()
    gc.freeze()


if __name__ == "__main__":
    sys.exit(main())
