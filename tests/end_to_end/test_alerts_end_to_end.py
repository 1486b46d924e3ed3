"""Alerts from a real nightly job: after a crawl against the fixture server, the test inbox
holds one message per campaign with every new event and nothing else; an unchanged second
run sends nothing; a webhook gets its JSON; a run killed while sending never sends twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess

import pytest

from tests.end_to_end.conftest import INSTRUMENT_SOURCES, serve_legislation, serve_si_tracker
from tests.end_to_end.test_parliament_end_to_end import serve_hansard, serve_nothing_else
from tests.support.crawl import BASE_URL_SETTINGS, ROOT, SCRAPY, TEST_SETTINGS, run_scrapy
from tests.support.fixture_server import FixtureServer
from tests.support.inbox import Inbox, Webhook
from tests.support.site import get

SOURCES = [option for source in INSTRUMENT_SOURCES for option in ("--source", source)]


@pytest.fixture
def server():
    server = serve_si_tracker(serve_legislation(FixtureServer().start()))
    serve_nothing_else(serve_hansard(server))
    yield server
    server.stop()


def alerts_file(tmp_path, slugs=("boycott-school-census", "labels-last-a-lifetime")):
    path = tmp_path / "alerts.yml"
    lines = ["campaigns:"]
    for slug in slugs:
        lines += [f"  {slug}:", f"    email: [{slug}@example.org]", "    webhook_env: TEAM_HOOK"]
    path.write_text("\n".join(lines) + "\n")
    return path


def nightly(db, server, tmp_path, inbox, extra=None):
    settings = {
        "BACKFILL_FROM": "2016-01-01",
        "CURATION_DIR": str(tmp_path),
        "ALERTS_FILE": str(alerts_file(tmp_path)),
        "SMTP_URL": inbox.url,
        "TIMELINE_PUBLIC_URL": "https://timeline.example.org",
        **(extra or {}),
    }
    return run_scrapy("nightly", *SOURCES, db=db, base_url=server.base_url, settings=settings)


def shown_titles(db, slug):
    rows = json.loads(get(db, "/timeline/timeline.json?_shape=array&_size=max").text)
    return {row["title"] for row in rows if slug in json.loads(row["campaigns"])}


def test_one_message_per_campaign_with_every_new_event_then_nothing(tmp_path, server, monkeypatch):
    hook = Webhook().start()
    inbox = Inbox().start()
    monkeypatch.setenv("TEAM_HOOK", hook.url)
    try:
        db = tmp_path / "timeline.db"
        first = nightly(db, server, tmp_path, inbox)
        assert first.returncode == 0, first.stdout + first.stderr
        by_campaign = {message["X-Envelope-To"]: message for message in inbox.messages}
        assert set(by_campaign) == {
            "boycott-school-census@example.org",
            "labels-last-a-lifetime@example.org",
        }
        for slug, text in zip(
            [m["X-Envelope-To"].split("@")[0] for m in inbox.messages], inbox.texts(), strict=True
        ):
            main = text.split("To review (")[0]
            for title in shown_titles(db, slug):
                assert title in main, (slug, title)
        assert len(hook.bodies) == 2
        assert "Alert sent: e-mail to boycott-school-census@example.org" in first.stdout

        second = nightly(db, server, tmp_path, inbox)
        assert second.returncode == 0
        assert len(inbox.messages) == 2 and len(hook.bodies) == 2
        assert "No alerts: nothing new for anyone following." in second.stdout
    finally:
        inbox.stop()
        hook.stop()


def test_a_run_killed_while_its_alert_is_on_the_way_never_sends_it_again(tmp_path, server):
    inbox = Inbox().start()
    inbox.hold.clear()  # the mail server takes the message, then waits before answering
    db = tmp_path / "timeline.db"
    command = [*SCRAPY, "nightly", *SOURCES]
    settings = {
        **TEST_SETTINGS,
        "BACKFILL_FROM": "2016-01-01",
        "CURATION_DIR": str(tmp_path),
        "ALERTS_FILE": str(alerts_file(tmp_path, ("boycott-school-census",))),
        "SMTP_URL": inbox.url,
    }
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    env = {
        **os.environ,
        "TIMELINE_DB": str(db),
        **dict.fromkeys(BASE_URL_SETTINGS, server.base_url),
    }
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert inbox.receiving.wait(120), "the job never reached the mail server"
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        inbox.hold.set()
    try:
        again = nightly(db, server, tmp_path, inbox)
        assert "were on their way when an earlier run was stopped; they are not sent again" in (
            again.stdout
        )
        assert len(inbox.messages) <= 1
    finally:
        inbox.stop()
