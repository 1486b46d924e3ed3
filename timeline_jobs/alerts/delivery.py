"""Sending an alert: e-mail through an SMTP server, or a JSON POST to a webhook.

Both are bounded in time (a timeout per attempt, a few attempts for a webhook), so a
destination that is down costs the run seconds, never the crawl; every failure is an
`AlertNotSent` with a sentence for the run report.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from timeline_jobs.alerts.messages import AlertMessage

SMTP_TIMEOUT = 20
USER_AGENT = "pupil-data-timeline alerts"


class AlertNotSent(Exception):
    """The destination did not take the alert; the message says why."""


@dataclass(frozen=True)
class SmtpServer:
    """SMTP_URL, read: smtp://[user[:password]@]host[:port][?from=address], smtps:// for
    TLS from the start, smtp+starttls:// to upgrade a plain connection."""

    host: str
    port: int
    tls: str  # "", "ssl" or "starttls"
    user: str
    password: str
    sender: str

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parts = urlsplit(url)
        schemes = {"smtp": ("", 25), "smtps": ("ssl", 465), "smtp+starttls": ("starttls", 587)}
        if parts.scheme not in schemes or not parts.hostname:
            raise AlertNotSent(
                "SMTP_URL must look like smtp://host:25, smtps://user:password@host:465 or "
                "smtp+starttls://user:password@host:587, with ?from=address"
            )
        tls, port = schemes[parts.scheme]
        sender = parse_qs(parts.query).get("from", [""])[0]
        if not sender:
            raise AlertNotSent("SMTP_URL needs the sender's address: add ?from=alerts@example.org")
        return cls(
            host=parts.hostname,
            port=parts.port or port,
            tls=tls,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            sender=sender,
        )

    def send(self, to: str, message: AlertMessage, contact: str) -> None:
        email = EmailMessage()
        email["Subject"] = message.subject
        email["From"] = self.sender
        email["To"] = to
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = make_msgid(domain=self.sender.rsplit("@", 1)[-1])
        email["List-Unsubscribe"] = f"<mailto:{contact or self.sender}?subject=unsubscribe>"
        email.set_content(message.text())
        email.add_alternative(message.html(), subtype="html")
        try:
            with self._connect() as server:
                if self.user:
                    server.login(self.user, self.password)
                server.send_message(email)
        except (OSError, smtplib.SMTPException) as error:
            raise AlertNotSent(
                f"the mail server at {self.host}:{self.port} said: {error}"
            ) from None

    def _connect(self) -> smtplib.SMTP:
        if self.tls == "ssl":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=SMTP_TIMEOUT, context=ssl.create_default_context()
            )
        server = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
        if self.tls == "starttls":
            server.starttls(context=ssl.create_default_context())
        return server


def post_webhook(
    url: str, message: AlertMessage, *, timeout: float, attempts: int, pause: float = 1.0
) -> None:
    """POST the alert as JSON; retried after a network error or a 5xx or 429 answer."""
    body = json.dumps(message.payload(), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
    )
    problem = ""
    for attempt in range(max(1, attempts)):
        if attempt:
            time.sleep(pause * attempt)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read(1024)
                return
        except urllib.error.HTTPError as error:
            problem = f"HTTP {error.code}"
            if error.code < 500 and error.code != 429:
                break
        except (OSError, ValueError) as error:
            problem = str(getattr(error, "reason", error))
    where = urlsplit(url).hostname or "the webhook"
    raise AlertNotSent(f"the webhook at {where} did not take it ({problem})")
