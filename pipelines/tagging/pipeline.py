"""The crawl's tagging step."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from pipelines.tagging.context import item_text
from pipelines.tagging.matching import Tagger
from pipelines.tagging.reading import load_rules
from timeline_spiders.items import Document


class TaggingPipeline:
    """Tag each item by the campaign rules (loaded once per crawl from CAMPAIGN_RULES),
    reading a debate's heading and an answer's question as context. Runs after
    CitationPipeline and reads the citations it found."""

    def __init__(self, rules_path: str) -> None:
        self.rules = load_rules(rules_path)
        self.tagger = Tagger(self.rules)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TaggingPipeline:
        return cls(crawler.settings.get("CAMPAIGN_RULES"))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Document):
            return item  # Gone and AmendmentList items carry nothing to derive
        heading = item.metadata.get("heading") or ""
        read = item_text(
            item.id, item.source, item.title, item.summary, item.body, heading, item.cites
        )
        item.campaigns = self.tagger.tag(read.text, read.cites, read.context)
        return item
