"""The crawl of figure 2, in its own process:
`python -m bench.crawl_child BASE IDS_JSON [-s NAME=VALUE ...]`.

Prints one JSON line: seconds from engine start to spider close, responses, items.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from timeline_spiders.parsers.hansard import parse_debate


class DebateBenchSpider(scrapy.Spider):
    """Fetches debate sections and parses each as the hansard spider does."""

    name = "debate_bench"

    def __init__(self, base: str, ids: list[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.base = base
        self.ids = ids

    async def start(self):
        for ext_id in self.ids:
            yield scrapy.Request(f"{self.base}/debates/debate/{ext_id}.json", self.parse)

    def parse(self, response):
        yield from parse_debate(response.body)


def main() -> None:
    base, ids_path = sys.argv[1], sys.argv[2]
    # `-s NAME=VALUE` after them: settings planted by the tests (a delay left on, say).
    extra = sys.argv[3:]
    planted = dict(
        value.split("=", 1)
        for flag, value in zip(extra[::2], extra[1::2], strict=True)
        if flag == "-s"
    )
    ids = json.loads(Path(ids_path).read_text())
    settings = get_project_settings()
    settings.setdict(
        {
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "ROBOTSTXT_OBEY": False,
            "CONCURRENT_REQUESTS": 16,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
            "ITEM_PIPELINES": {},
            "EXTENSIONS": {"scrapy.extensions.telnet.TelnetConsole": None},
            "LOG_LEVEL": "WARNING",
        },
        priority="cmdline",
    )
    settings.setdict(planted, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(DebateBenchSpider)
    times: dict[str, float] = {}

    def started() -> None:
        times["start"] = time.perf_counter()

    def closed(spider, reason) -> None:
        times["end"] = time.perf_counter()

    crawler.signals.connect(started, signal=signals.engine_started)
    crawler.signals.connect(closed, signal=signals.spider_closed)
    process.crawl(crawler, base=base, ids=ids)
    process.start()
    stats = crawler.stats.get_stats()
    print(
        json.dumps(
            {
                "seconds": times["end"] - times["start"],
                "responses": stats.get("response_received_count", 0),
                "items": stats.get("item_scraped_count", 0),
            }
        )
    )


if __name__ == "__main__":
    main()
