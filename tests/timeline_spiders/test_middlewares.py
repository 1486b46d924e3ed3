from datetime import UTC, datetime

from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

from timeline_spiders.middlewares import RespectfulRetryMiddleware, retry_after_seconds


def test_retry_after_in_seconds_or_as_a_date():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(b"30") == 30
    assert retry_after_seconds("Thu, 01 Jan 2026 12:01:00 GMT", now=now) == 60
    assert retry_after_seconds("whenever") is None
    assert retry_after_seconds(None) is None


def middleware(**overrides) -> RespectfulRetryMiddleware:
    return RespectfulRetryMiddleware(get_crawler(settings_dict=overrides))


def test_backoff_doubles_with_each_retry_and_is_capped():
    retry = middleware(RETRY_BACKOFF_BASE=2, RETRY_BACKOFF_MAX=10)
    delays = [retry.backoff_for(Request("http://x", meta={"retry_times": n})) for n in range(4)]
    assert delays == [2, 4, 8, 10]


def test_a_429_waits_as_long_as_the_server_asks_up_to_the_cap():
    retry = middleware(RETRY_BACKOFF_BASE=2, RETRY_BACKOFF_MAX=60)
    request = Request("http://x")
    asked = Response("http://x", status=429, headers={"Retry-After": "45"})
    too_long = Response("http://x", status=429, headers={"Retry-After": "3600"})
    assert retry.backoff_for(request, asked) == 45
    assert retry.backoff_for(request, too_long) == 60
