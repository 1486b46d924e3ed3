"""What the crawl hands each spider (`timeline_spiders.context`): the search plan from
the campaign rules, and the stored record of earlier runs. Named by the SPIDER_CONTEXT
setting."""

from __future__ import annotations

from scrapy.crawler import Crawler

from pipelines.storage.earlier_runs import StoredEarlierRuns
from pipelines.tagging import load_rules
from timeline_spiders.context import SpiderContext


def spider_context(crawler: Crawler) -> SpiderContext:
    settings = crawler.settings
    rules = load_rules(settings.get("CAMPAIGN_RULES"))
    return SpiderContext(
        plan=rules.search_plan(), earlier_runs=StoredEarlierRuns(settings.get("TIMELINE_DB"))
    )
