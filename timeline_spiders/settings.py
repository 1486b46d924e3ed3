"""Scrapy settings for the pupil-data timeline.

Every override of a Scrapy default says what the default is and why we change it.
Project settings can be given as `-s NAME=value` or as environment variables of the
same name (the environment is read here; `-s` wins because it has command-line priority).
"""

import os

from timeline_spiders.sources import base_url_defaults

BOT_NAME = "timeline_spiders"
SPIDER_MODULES = ["timeline_spiders.spiders"]
NEWSPIDER_MODULE = "timeline_spiders.spiders"
# The jobs that run spiders and pipelines together live above both packages.
COMMANDS_MODULE = "timeline_jobs.commands"

# --- Where things are -----------------------------------------------------------------

#: The SQLite database Datasette publishes. Not committed; created on first run.
TIMELINE_DB = os.environ.get("TIMELINE_DB", "data/timeline.db")
#: Campaign rules staff edit: campaigns, tagging rules, search phrases, tracked documents.
CAMPAIGN_RULES = os.environ.get("CAMPAIGN_RULES", "data/campaigns.yml")

#: Folder of the staff files: campaign_events.csv, tag_overrides.csv, notes.csv.
CURATION_DIR = os.environ.get("CURATION_DIR", "data")

# Each source's base URL (scheme://host[:port]) is a setting of its own, named and
# defaulted in timeline_spiders/sources.py: LEGISLATION_URL, HANSARD_API_URL, ... Tests
# point them at a local server; stored URLs always use the official host whatever these
# say. Scrapy reads a settings module's upper-case names, so they are made names here.
globals().update(
    {name: os.environ.get(name, default) for name, default in base_url_defaults().items()}
)

#: What each spider is told before it starts: the search plan from the campaign rules and
#: a read-only view of earlier runs (see timeline_spiders/context.py).
SPIDER_CONTEXT = "pipelines.spider_context.spider_context"

# --- Incremental runs ----------------------------------------------------------------

#: Search from the last successful run of each source, less this many days, rather than
#: from the beginning. Late and corrected publications land inside the overlap.
INCREMENTAL_OVERLAP_DAYS = int(os.environ.get("INCREMENTAL_OVERLAP_DAYS", "14"))
#: Search each source from the beginning (`scrapy nightly --backfill`).
TIMELINE_BACKFILL = os.environ.get("TIMELINE_BACKFILL", "") not in ("", "0", "false", "False")
#: Read an instrument's legislation.gov.uk changes feeds at most this often on nightly
#: runs: amendments are recorded weeks or months after they are made.
CHANGES_REFRESH_DAYS = int(os.environ.get("CHANGES_REFRESH_DAYS", "7"))
#: Where a back-fill starts, for sources searched by date.
BACKFILL_FROM = os.environ.get("BACKFILL_FROM", "2010-01-01")
#: `due` (the default): a run asks only the sources due by their `refresh_every`, the
#: slower ones spread one per run, so the job can run hourly (timeline_jobs/schedule.py);
#: run once a day, it asks every source. `every-run`: every source on every run.
SOURCE_SCHEDULE = os.environ.get("SOURCE_SCHEDULE", "due")

# --- Monitoring ----------------------------------------------------------------------

#: Fail a source whose live (not gone) items fall by more than this fraction since its
#: last successful run: a broken source, not a real mass withdrawal.
MONITOR_MAX_DROP = float(os.environ.get("MONITOR_MAX_DROP", "0.2"))
#: Seconds between progress lines per source on the terminal (0: none).
PROGRESS_INTERVAL = float(os.environ.get("PROGRESS_INTERVAL", "30"))

# --- Politeness -----------------------------------------------------------------------

#: Who to contact about this crawler; sent in the User-Agent so site operators can reach us.
CONTACT_URL = os.environ.get(
    "TIMELINE_CONTACT_URL", "https://github.com/pupil-data-timeline/pupil-data-timeline"
)
# Default "Scrapy/VERSION (+https://scrapy.org)": public-sector sites ask crawlers to identify.
USER_AGENT = f"pupil-data-timeline/0.1 (+{CONTACT_URL})"
# Default False in a bare Scrapy project run outside a template: we honour every robots.txt.
ROBOTSTXT_OBEY = True
# Default 8: one request at a time per host, the politest a nightly job can afford.
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Default 0: a second between requests keeps GOV.UK well under its 10 requests/second.
DOWNLOAD_DELAY = 1.0
# Default False: back off further when a server slows down.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# Default 180 s: a source that hangs should fail its request, not the night.
DOWNLOAD_TIMEOUT = 30
# Default 1 GiB: no document we read is anywhere near this; a huge body is a fault.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
# Default 20: a redirect loop ends quickly and is reported.
REDIRECT_MAX_TIMES = 5

# --- Retries ------------------------------------------------------------------------

# Default 2: transient faults are common on these APIs at night.
RETRY_TIMES = 3
# Default adds no 429 backoff: RespectfulRetryMiddleware waits out Retry-After on 429/503
# and backs off exponentially otherwise.
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
#: A source whose host cannot be reached this many times in a row (each request already
#: retried) stops trying for the run and is reported unreachable, so an offline
#: `make run` reports in about a minute instead of working through every search.
UNREACHABLE_AFTER = int(os.environ.get("UNREACHABLE_AFTER", "3"))
#: First backoff in seconds; doubles on each retry of the same request.
RETRY_BACKOFF_BASE = float(os.environ.get("RETRY_BACKOFF_BASE", "2"))
#: Longest wait we accept from a Retry-After header or the backoff, in seconds.
RETRY_BACKOFF_MAX = float(os.environ.get("RETRY_BACKOFF_MAX", "120"))

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "timeline_spiders.middlewares.RespectfulRetryMiddleware": 550,
}

# --- Pipelines and the run report -----------------------------------------------------

# Order matters: dates are checked before anything is derived from the item, tags use
# citations, relevance uses tags, and storage comes last.
ITEM_PIPELINES = {
    "pipelines.dates.DatePipeline": 100,
    "pipelines.citations.CitationPipeline": 200,
    "pipelines.tagging.TaggingPipeline": 300,
    "pipelines.relevance.RelevancePipeline": 400,
    "pipelines.storage.pipeline.StoragePipeline": 900,
}

#: Items are written this many at a time (or after this many seconds), one transaction
#: per batch (committing per item was most of storage's cost); a failed batch is written
#: again an item at a time, so one bad item is left out alone. Default 100: a batch of
#: debates of twenty speeches is about a quarter of a second of writing (0.22 s median,
#: 0.32 s at most, 4 December), and half as many commits as batches of 50 made storing
#: them 4-5% faster (bench/README.md, figure 1). Readers of the live site never wait for
#: it (WAL); another writer (`make curate`, a re-tag) waits at most that long.
STORAGE_BATCH_SIZE = int(os.environ.get("STORAGE_BATCH_SIZE", "100"))
STORAGE_BATCH_SECONDS = float(os.environ.get("STORAGE_BATCH_SECONDS", "1"))

EXTENSIONS = {
    "timeline_jobs.run_recorder.RunRecorder": 500,
}

# Default "DEBUG": the nightly report says what happened; the log need not repeat every request.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
# Default "": our spiders are async-ready and want the asyncio reactor for middleware waits.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

# --- Alerts after each run (timeline_jobs/alerts/) ---------------------------------------

#: Who hears about new events: campaigns and saved searches, e-mail addresses and the
#: names of webhook variables. A missing file sends nothing.
ALERTS_FILE = os.environ.get("ALERTS_FILE", "data/alerts.yml")
#: Where e-mail goes: smtp://[user[:password]@]host[:port], smtps:// (TLS from the start)
#: or smtp+starttls://, with ?from=address. Empty: the run report says what would be sent.
SMTP_URL = os.environ.get("SMTP_URL", "")
#: Who to ask to be taken off the list (the List-Unsubscribe header); default: the sender.
ALERTS_CONTACT = os.environ.get("ALERTS_CONTACT", "")
#: The site's public address, for links to items in alerts (as the web process's own).
TIMELINE_PUBLIC_URL = os.environ.get("TIMELINE_PUBLIC_URL", "http://127.0.0.1:8001")
#: A webhook gets this many seconds per attempt, and this many attempts, so a destination
#: that is down costs the run at most about half a minute and never fails it.
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "10"))
WEBHOOK_ATTEMPTS = int(os.environ.get("WEBHOOK_ATTEMPTS", "3"))
