"""The alerts file (`data/alerts.yml`): who hears about what.

    campaigns:
      boycott-school-census:
        email: [team@example.org]
        webhook_env: BOYCOTT_WEBHOOK_URL
    searches:
      - name: The National Pupil Database and the Home Office
        query: '"national pupil database" "home office"'
        email: [team@example.org]

Secrets are never written here: e-mail goes through the SMTP_URL setting, and a
webhook's address is read from the environment variable `webhook_env` names. A mistake
(an unknown key, a key twice, an unknown campaign, an address that is not one) is an
error naming the file and line; a missing file means no alerts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipelines.search_syntax import read_query
from pipelines.tagging.yaml_lines import LineLoader, Located, line_of

EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
DESTINATION_KEYS = frozenset({"email", "webhook_env"})
SEARCH_KEYS = DESTINATION_KEYS | {"name", "query"}


class AlertsConfigError(ValueError):
    """The alerts file cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Destinations:
    """Where one campaign's or search's alerts go."""

    emails: tuple[str, ...] = ()
    webhook_env: str = ""


@dataclass(frozen=True)
class SavedSearch:
    name: str
    query: str
    destinations: Destinations

    @property
    def match(self) -> str:
        """The search as an FTS5 expression (see pipelines/search_syntax.py)."""
        return read_query(self.query).fts


@dataclass(frozen=True)
class AlertsConfig:
    campaigns: dict[str, Destinations] = field(default_factory=dict)
    searches: tuple[SavedSearch, ...] = ()


def load_alerts(path: str | Path, campaign_slugs: tuple[str, ...]) -> AlertsConfig:
    """Read and check the alerts file; AlertsConfigError names the line of a mistake."""
    path = Path(path)
    if not path.exists():
        return AlertsConfig()
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=LineLoader)
    except (OSError, UnicodeDecodeError) as error:
        raise AlertsConfigError(f"{path}: cannot read the alerts file: {error}.") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(error, "problem", None) or str(error)
        raise AlertsConfigError(f"{where}: not valid YAML: {problem}.") from None
    return _Reader(path, campaign_slugs).read(document or Located())


@dataclass
class _Reader:
    path: Path
    campaign_slugs: tuple[str, ...]

    def fail(self, node: Any, reason: str, line: int = 0) -> AlertsConfigError:
        line = line or line_of(node)
        return AlertsConfigError(
            f"{self.path}:{line}: {reason}." if line else f"{self.path}: {reason}."
        )

    def mapping(self, node: Any, allowed: frozenset[str], what: str) -> Located:
        if not isinstance(node, Located):
            raise self.fail(node, f"{what} must be a mapping")
        for key in node:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail(
                    node, f"unknown {what} key '{key}' (known: {known})", node.line_of(key)
                )
        return node

    def read(self, document: Any) -> AlertsConfig:
        self.mapping(document, frozenset({"campaigns", "searches"}), "top-level")
        campaigns = self.mapping(
            document.get("campaigns") or Located(), frozenset(self.campaign_slugs), "campaign"
        )
        searches = document.get("searches") or []
        if not isinstance(searches, list):
            raise self.fail(document, "'searches:' must be a list", document.line_of("searches"))
        return AlertsConfig(
            campaigns={
                slug: self.destinations(self.mapping(entry, DESTINATION_KEYS, "alert"))
                for slug, entry in campaigns.items()
            },
            searches=tuple(self.search(entry) for entry in searches),
        )

    def search(self, entry: Any) -> SavedSearch:
        entry = self.mapping(entry, SEARCH_KEYS, "saved search")
        name, query = entry.get("name"), entry.get("query")
        if not isinstance(name, str) or not name.strip():
            raise self.fail(entry, "a saved search needs a 'name:'")
        if not isinstance(query, str) or not read_query(query).fts:
            raise self.fail(entry, f"saved search {name!r} needs a 'query:' with words to find")
        return SavedSearch(name.strip(), query, self.destinations(entry))

    def destinations(self, entry: Located) -> Destinations:
        emails = entry.get("email") or []
        emails = [emails] if isinstance(emails, str) else emails
        for address in emails:
            if not isinstance(address, str) or not EMAIL.match(address):
                raise self.fail(
                    entry, f"{address!r} is not an e-mail address", entry.line_of("email")
                )
        webhook = entry.get("webhook_env") or ""
        if webhook and (not isinstance(webhook, str) or not ENV_NAME.match(webhook)):
            raise self.fail(
                entry,
                "webhook_env names an environment variable (such as TEAM_WEBHOOK_URL), "
                f"not {webhook!r}",
                entry.line_of("webhook_env"),
            )
        return Destinations(tuple(emails), webhook)
