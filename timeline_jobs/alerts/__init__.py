"""Alerts after each run: tell each campaign (and each saved search's followers) what the
run found, once per event, by e-mail or webhook (see data/alerts.yml).

What was sent is recorded in the database (pipelines/storage/alerts.py), so a repeated,
killed or re-run job never sends an event twice, and a destination that was down gets
its alerts on the next run. A failing destination is reported, never fails the crawl.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from pipelines.storage.alerts import AlertLog, Subject
from pipelines.tagging import CampaignRules
from timeline_jobs.alerts.config import AlertsConfigError, Destinations, load_alerts
from timeline_jobs.alerts.delivery import AlertNotSent, SmtpServer, post_webhook
from timeline_jobs.alerts.messages import AlertMessage, describe
from timeline_jobs.run_recorder import SourceRun

#: The `runs` row that says what the alerts did (shown on /status).
ALERTS_RUN = "alerts"


@dataclass(frozen=True)
class AlertSettings:
    alerts_file: str
    smtp_url: str
    contact: str
    site_url: str
    webhook_timeout: float
    webhook_attempts: int

    @classmethod
    def from_settings(cls, settings: Any) -> AlertSettings:
        return cls(
            alerts_file=settings.get("ALERTS_FILE"),
            smtp_url=settings.get("SMTP_URL"),
            contact=settings.get("ALERTS_CONTACT"),
            site_url=settings.get("TIMELINE_PUBLIC_URL").rstrip("/"),
            webhook_timeout=settings.getfloat("WEBHOOK_TIMEOUT"),
            webhook_attempts=settings.getint("WEBHOOK_ATTEMPTS"),
        )


@dataclass
class AlertsReport:
    """What the alerts did, for the run report and the `runs` table."""

    sent: list[str] = field(default_factory=list)
    would_send: list[str] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)
    interrupted: int = 0

    def __str__(self) -> str:
        lines = [f"Alert sent: {line}" for line in self.sent]
        lines += [f"Alert not sent (no destination set up): {line}" for line in self.would_send]
        lines += [
            f"Alert NOT sent to {failure['url']}: {failure['reason']}; it will be sent next run."
            for failure in self.failures
        ]
        if self.interrupted:
            lines.append(
                f"{self.interrupted} events were on their way when an earlier run was "
                "stopped; they are not sent again."
            )
        return "\n".join(lines) or "No alerts: nothing new for anyone following."

    def as_run(self, job_id: str, started_at: str, finished_at: str) -> SourceRun:
        run = SourceRun(ALERTS_RUN, job_id, started_at, finished_at)
        run.status = "failed" if self.failures else "ok"
        run.errors = self.failures
        return run


def send_alerts(
    db: sqlite_utils.Database,
    rules: CampaignRules,
    settings: AlertSettings,
    job_id: str,
    started_at: str,
) -> AlertsReport:
    """Send every alert the run's new events call for; never raises for a destination."""
    report = AlertsReport()
    try:
        config = load_alerts(settings.alerts_file, tuple(rules.slugs))
    except AlertsConfigError as error:
        report.failures.append({"url": settings.alerts_file, "reason": str(error)})
        return report
    sender = _Sender(AlertLog(db), settings, job_id, started_at, report)
    for campaign in rules.campaigns:
        if campaign.slug in config.campaigns:
            subject = Subject(f"campaign:{campaign.slug}", campaign=campaign.slug)
            sender.each(config.campaigns[campaign.slug], subject, campaign.hashtag)
    for search in config.searches:
        sender.each(
            search.destinations,
            Subject(f"search:{search.name}", match=search.match),
            f"your search “{search.name}”",
        )
    report.interrupted = AlertLog(db).interrupted(job_id)
    return report


@dataclass
class _Sender:
    log: AlertLog
    settings: AlertSettings
    job_id: str
    started_at: str
    report: AlertsReport

    def each(self, destinations: Destinations, subject: Subject, name: str) -> None:
        smtp = self.smtp()
        for address in destinations.emails:
            label = f"e-mail to {address}"
            if smtp is None:
                self.would_send(f"email:{address}", subject, name, label)
            else:
                self.send(
                    f"email:{address}",
                    subject,
                    name,
                    label,
                    lambda message, to=address: smtp.send(to, message, self.settings.contact),
                )
        if destinations.webhook_env:
            url = os.environ.get(destinations.webhook_env, "")
            label = f"the webhook in {destinations.webhook_env}"
            if not url:
                self.would_send(f"webhook:{destinations.webhook_env}", subject, name, label)
            else:
                self.send(
                    f"webhook:{destinations.webhook_env}",
                    subject,
                    name,
                    label,
                    lambda message: post_webhook(
                        url,
                        message,
                        timeout=self.settings.webhook_timeout,
                        attempts=self.settings.webhook_attempts,
                    ),
                )

    def smtp(self) -> SmtpServer | None:
        if not self.settings.smtp_url:
            return None
        try:
            return SmtpServer.from_url(self.settings.smtp_url)
        except AlertNotSent as error:
            self.report.failures.append({"url": "SMTP_URL", "reason": str(error)})
            return None

    def message(
        self, destination: str, subject: Subject, name: str, follow: bool
    ) -> AlertMessage | None:
        events = self.log.new_events(destination, subject, self.started_at, subscribe=follow)
        review = (
            self.log.new_events(
                destination, subject, self.started_at, to_review=True, subscribe=follow
            )
            if subject.campaign
            else []
        )
        if not events and not review:
            return None
        slug, site = subject.campaign, self.settings.site_url
        tags = self.log.tags_of([row["item_id"] for row in events + review], slug) if slug else {}
        count = len(events) + len(review)
        plural = "s" if count != 1 else ""
        return AlertMessage(
            subject=f"{name}: {count} new on the pupil data timeline",
            heading=f"New on the pupil data timeline for {name}: {count} event{plural}.",
            events=[describe(row, site, slug, tags.get(row["item_id"])) for row in events],
            to_review=[describe(row, site, slug, tags.get(row["item_id"])) for row in review],
            review_url=f"{site}/review/{slug}" if slug else "",
        )

    def would_send(self, destination: str, subject: Subject, name: str, label: str) -> None:
        message = self.message(destination, subject, name, follow=False)
        if message is not None:
            self.report.would_send.append(
                f"{label}: {len(message.event_ids)} new events for {name}"
            )

    def send(self, destination: str, subject: Subject, name: str, label: str, deliver: Any) -> None:
        message = self.message(destination, subject, name, follow=True)
        if message is None:
            return
        keys = self.keys(subject, message)
        for key, ids in keys.items():
            self.log.sending(destination, key, ids, self.job_id)
        try:
            deliver(message)
        except AlertNotSent as error:
            for key, ids in keys.items():
                self.log.failed(destination, key, ids)
            self.report.failures.append({"url": label, "reason": str(error)})
            return
        for key, ids in keys.items():
            self.log.sent(destination, key, ids, self.job_id)
        self.report.sent.append(f"{label}: {len(message.event_ids)} new events for {name}")

    @staticmethod
    def keys(subject: Subject, message: AlertMessage) -> dict[str, list[str]]:
        keys = {subject.key: [event.event_id for event in message.events]}
        if message.to_review:
            keys[subject.review_key] = [event.event_id for event in message.to_review]
        return {key: ids for key, ids in keys.items() if ids}
