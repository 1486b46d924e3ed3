"""Keeping only what is relevant, where the spider said to check (`Document.keep_if`).

Some sources cannot be asked precisely: the written questions API matches any word of a
search phrase, and a bill has thousands of amendments of which a handful concern pupil
data. Their documents say when they should be kept; this pipeline, after tagging, lets
the rest go. Leaving an item out is not an error: it is counted in the crawl's stats
(`timeline/not_relevant/<reason>`), never in the run's errors.
"""

from __future__ import annotations

from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from pipelines.tagging import load_rules
from timeline_spiders.items import Document
from timeline_spiders.text import document_text, mentions


class NotRelevant(DropItem):
    """A document its spider asked to keep only when relevant, which is not."""

    def __init__(self, message: str) -> None:
        super().__init__(message, log_level="DEBUG")


class RelevancePipeline:
    def __init__(self, phrases: list[str], stats: StatsCollector) -> None:
        self.phrases = phrases
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        rules = load_rules(crawler.settings.get("CAMPAIGN_RULES"))
        return cls(rules.search_phrases(), crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Document) or self.is_relevant(item):
            return item
        self.stats.inc_value(f"timeline/not_relevant/{item.keep_if}")
        raise NotRelevant(f"{item.url}: kept only if {item.keep_if.replace('_', ' ')}")

    def is_relevant(self, document: Document) -> bool:
        if document.keep_if == "mentions_search_phrase":
            text = document_text(document.title, document.summary, document.body)
            return mentions(text, self.phrases)
        if document.keep_if == "tagged":
            return bool(document.campaigns)
        return True
