"""Storage: everything the job writes to (or reads back from) the timeline database.

All of the job's SQL lives in this package: `store` writes items and what is derived from
them, `pipeline` is the Scrapy item pipeline that batches those writes, `runs` keeps the
run report, and `earlier_runs` answers spiders' read-only questions about earlier runs.
The site's queries live with the site.
"""

from pipelines.storage.store import Outcome, TimelineStore, content_hash, utc_now

__all__ = ["Outcome", "TimelineStore", "content_hash", "utc_now"]
