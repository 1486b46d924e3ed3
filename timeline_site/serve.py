"""`python -m timeline_site.serve`: serve the timeline (what `bin/serve` runs).

Environment: TIMELINE_DB (default data/timeline.db), HOST and PORT (default
127.0.0.1:8001). Refuses to start, saying why in one sentence, when the database is
missing or unusable.
"""

from __future__ import annotations

import asyncio
import os
import sys

import uvicorn

from timeline_site.config import SiteUnavailable, build_datasette


def main() -> int:
    try:
        datasette = build_datasette(os.environ.get("TIMELINE_DB", "data/timeline.db"))
    except SiteUnavailable as error:
        print(f"Not serving: {error}", file=sys.stderr)
        return 2
    asyncio.run(datasette.invoke_startup())
    uvicorn.run(
        datasette.app(),
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8001")),
        log_level="info",
        lifespan="on",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
