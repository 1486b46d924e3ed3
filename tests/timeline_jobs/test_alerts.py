"""Alerts after a run: one message per campaign with every new event, once, and held back
(never lost) while a destination is down."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pipelines.storage import TimelineStore
from pipelines.storage.alerts import AlertLog, Subject
from pipelines.tagging import load_rules
from tests.support.crawl import ROOT
from tests.support.database import new_database
from tests.support.inbox import Inbox, Webhook, free_port
from tests.support.site import (
    CENSUS,
    campaign_launch,
    nationality_question,
    regret_debate,
    suggested_question,
)
from timeline_jobs.alerts import AlertSettings, send_alerts
from timeline_jobs.alerts.config import AlertsConfigError, load_alerts

RULES = load_rules(ROOT / "data" / "campaigns.yml")
BEFORE_THE_RUN = "2026-11-01T00:00:00+00:00"
RUN_STARTED = "2026-11-30T02:00:00+00:00"
FOUND_IN_THE_RUN = "2026-11-30T02:05:00+00:00"
SITE = "https://timeline.example.org"


@pytest.fixture
def db(tmp_path):
    """Stored before the run: the launch. Found in the run: the debate, the question
    and a question the rules only suggest."""
    database = new_database(tmp_path / "timeline.db")
    store = TimelineStore(database)
    store.save(campaign_launch(), seen_at=BEFORE_THE_RUN)
    for document in (regret_debate(), nationality_question(), suggested_question()):
        store.save(document, seen_at=FOUND_IN_THE_RUN)
    yield database
    database.conn.close()


@pytest.fixture
def inbox():
    server = Inbox().start()
    yield server
    server.stop()


def alerts_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "alerts.yml"
    path.write_text(text)
    return str(path)


def settings(tmp_path: Path, smtp_url: str = "", text: str | None = None) -> AlertSettings:
    text = text or f"campaigns:\n  {CENSUS}:\n    email: [team@example.org]\n"
    return AlertSettings(
        alerts_file=alerts_file(tmp_path, text),
        smtp_url=smtp_url,
        contact="unsubscribe@example.org",
        site_url=SITE,
        webhook_timeout=2,
        webhook_attempts=2,
    )


def test_one_message_per_campaign_lists_every_new_event(db, tmp_path, inbox):
    report = send_alerts(db, RULES, settings(tmp_path, inbox.url), "job1", RUN_STARTED)
    assert report.failures == []
    (message,) = inbox.messages
    assert message["To"] == "team@example.org"
    assert message["Subject"] == "#BoycottSchoolCensus: 3 new on the pupil data timeline"
    assert message["List-Unsubscribe"] == "<mailto:unsubscribe@example.org?subject=unsubscribe>"
    (text,) = inbox.texts()
    assert "31 October 2016 · Debate · Hansard" in text
    assert "Pupil Information Regulations: Motion to Regret" in text
    assert "Speakers: Lord Storey (Liberal Democrat), Lord Nash (Conservative)" in text
    assert "Why: The rule “nationality in the census” matched “nationality”." in text
    assert "Source: https://hansard.parliament.uk/Lords/2016-10-31/debates/abc/Regret" in text
    assert f"On the timeline: {SITE}/campaign/{CENSUS}?before=2016-11-01#e-" in text
    assert "Campaign launched" not in text  # stored before the run: not news
    main, review = text.split("To review (1)")
    assert "Population Survey: Place of Birth" in review and "Population Survey" not in main
    assert f"{SITE}/review/{CENSUS}" in review
    html = [part for part in message.walk() if part.get_content_type() == "text/html"]
    assert html and "Motion to Regret" in html[0].get_payload(decode=True).decode()


def test_nothing_is_sent_twice_and_nothing_new_sends_nothing(db, tmp_path, inbox):
    send_alerts(db, RULES, settings(tmp_path, inbox.url), "job1", RUN_STARTED)
    report = send_alerts(db, RULES, settings(tmp_path, inbox.url), "job2", RUN_STARTED)
    assert len(inbox.messages) == 1
    assert str(report) == "No alerts: nothing new for anyone following."
    TimelineStore(db).save(replace(regret_debate(), id="hansard:new", title="A new debate"))
    send_alerts(db, RULES, settings(tmp_path, inbox.url), "job3", RUN_STARTED)
    assert len(inbox.messages) == 2
    assert "A new debate" in inbox.texts()[1] and "Motion to Regret" not in inbox.texts()[1]


def test_a_destination_that_is_down_is_reported_and_gets_its_alert_later(db, tmp_path):
    down = Inbox(port=free_port())
    report = send_alerts(db, RULES, settings(tmp_path, down.url), "job1", RUN_STARTED)
    assert [failure["url"] for failure in report.failures] == ["e-mail to team@example.org"]
    assert "it will be sent next run" in str(report)
    assert report.as_run("job1", RUN_STARTED, RUN_STARTED).status == "failed"
    down.start()
    try:
        report = send_alerts(db, RULES, settings(tmp_path, down.url), "job2", RUN_STARTED)
        assert report.failures == []
        assert len(down.messages) == 1 and "Motion to Regret" in down.texts()[0]
    finally:
        down.stop()


def test_a_run_killed_while_sending_does_not_send_again(db, tmp_path, inbox):
    log = AlertLog(db)
    events = log.new_events(
        "email:team@example.org", Subject(f"campaign:{CENSUS}", campaign=CENSUS), RUN_STARTED
    )
    log.sending(
        "email:team@example.org", f"campaign:{CENSUS}", [e["event_id"] for e in events], "killed"
    )
    report = send_alerts(db, RULES, settings(tmp_path, inbox.url), "job2", RUN_STARTED)
    texts = inbox.texts()
    assert all("Motion to Regret" not in text for text in texts)
    assert "2 events were on their way when an earlier run was stopped" in str(report)


def test_a_webhook_gets_the_alert_as_json(db, tmp_path, monkeypatch):
    hook = Webhook().start()
    try:
        monkeypatch.setenv("TEAM_WEBHOOK_URL", hook.url)
        text = f"campaigns:\n  {CENSUS}:\n    webhook_env: TEAM_WEBHOOK_URL\n"
        report = send_alerts(db, RULES, settings(tmp_path, text=text), "job1", RUN_STARTED)
        assert report.sent == [
            "the webhook in TEAM_WEBHOOK_URL: 3 new events for #BoycottSchoolCensus"
        ]
        (body,) = hook.bodies
        assert body["text"].startswith("New on the pupil data timeline for #BoycottSchoolCensus")
        assert [event["title"] for event in body["to_review"]] == [
            "Population Survey: Place of Birth"
        ]
    finally:
        hook.stop()


def test_a_failing_webhook_is_retried_then_reported_without_its_secret(db, tmp_path, monkeypatch):
    hook = Webhook(status=500).start()
    try:
        monkeypatch.setenv("TEAM_WEBHOOK_URL", hook.url)
        text = f"campaigns:\n  {CENSUS}:\n    webhook_env: TEAM_WEBHOOK_URL\n"
        report = send_alerts(db, RULES, settings(tmp_path, text=text), "job1", RUN_STARTED)
        assert len(hook.bodies) == 2  # WEBHOOK_ATTEMPTS
        assert "HTTP 500" in report.failures[0]["reason"]
        assert "secret-token" not in str(report)
    finally:
        hook.stop()


def test_with_no_destination_set_up_the_report_says_what_would_be_sent(db, tmp_path):
    report = send_alerts(db, RULES, settings(tmp_path), "job1", RUN_STARTED)
    assert report.would_send == [
        "e-mail to team@example.org: 3 new events for #BoycottSchoolCensus"
    ]
    assert report.failures == []


def test_a_saved_search_alerts_on_its_matches(db, tmp_path, inbox):
    text = (
        "searches:\n  - name: Regret motions\n    query: 'regret OR prayer'\n"
        "    email: [team@example.org]\n"
    )
    send_alerts(db, RULES, settings(tmp_path, inbox.url, text), "job1", RUN_STARTED)
    (body,) = inbox.texts()
    assert "your search “Regret motions”" in body and "Motion to Regret" in body
    assert "Pupils: Nationality" not in body


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            "campaigns:\n  nope:\n    email: [a@b.org]\n",
            "alerts.yml:2: unknown campaign key 'nope'",
        ),
        (
            f"campaigns:\n  {CENSUS}:\n    emial: [a@b.org]\n",
            "alerts.yml:3: unknown alert key 'emial'",
        ),
        (f"campaigns:\n  {CENSUS}:\n    email: [not-an-address]\n", "is not an e-mail address"),
        (
            f"campaigns:\n  {CENSUS}:\n    email: [a@b.org]\n  {CENSUS}:\n    email: [c@d.org]\n",
            "written twice",
        ),
        (
            f"campaigns:\n  {CENSUS}:\n    webhook_env: https://hooks.example/x\n",
            "webhook_env names an environment variable",
        ),
        ("searches:\n  - name: x\n    query: '\"'\n", "needs a 'query:' with words to find"),
    ],
)
def test_mistakes_in_the_alerts_file_name_their_line(tmp_path, text, says):
    with pytest.raises(AlertsConfigError, match=says.replace("(", r"\(").replace(")", r"\)")):
        load_alerts(alerts_file(tmp_path, text), tuple(RULES.slugs))


def test_a_bad_alerts_file_is_reported_and_the_run_goes_on(db, tmp_path):
    report = send_alerts(db, RULES, settings(tmp_path, text="campaigns: [x\n"), "job1", RUN_STARTED)
    assert "not valid YAML" in report.failures[0]["reason"]
