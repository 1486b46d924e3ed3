# ruff: noqa: E501  (the changes feed is copied from the real format, long lines and all)
"""Figure 4 (an incremental nightly run that finds something) and the nightly job's memory.

`scrapy nightly --source legislation` runs as the scheduler runs it, against a local
server playing legislation.gov.uk: `instruments` generated instruments (CLML) of
2010-2024 listed by the title search's Atom feeds, 20 to a page, each with its changes
feeds. Then the source publishes, as legislation.gov.uk does between two nights:

- a new instrument of this year, which amends one already stored (its "affecting"
  changes feed lists the effect);
- a late-registered instrument of this year, made in January but listed only now;
- a late-registered instrument of last year, listed only now.

and the job runs again. It must store exactly those (the new items and the amendment,
nothing else new or changed). Figure: the second run's requests and wall time as a ratio
of the first run's; each of the runs starts from an empty database.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bench.common import PYTHON, ROOT, Figure, Scale, copy_on_disk, from_runs, run_measured
from bench.generate import FEED_PAGE_SIZE, atom_page, clml, instrument_ids
from bench.server import BenchServer
from tests.support.crawl import BASE_URL_SETTINGS, TEST_SETTINGS

REQUESTS_TARGET, TIME_TARGET = 0.05, 0.5
TRACKED = ["uksi/2016/808", "uksi/2017/807"]
_INSTRUMENT = re.compile(r"^/(uksi/\d{4}/\d+)/made/data\.xml$")
_FEED = re.compile(r"^/uksi(?:/(\d{4}))?/data\.feed$")
_CHANGES = re.compile(r"^/changes/(affected|affecting)/(uksi/\d{4}/\d+)/data\.feed$")
EMPTY_FEED = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Changes</title></feed>'
)


def changes_feed(affecting: str, affected: str) -> bytes:
    """A changes feed with one effect of `affecting` on `affected`."""
    ids = {"affecting": affecting, "affected": affected}
    parts = {side: ids[side].split("/") for side in ids}
    uri = "http://www.legislation.gov.uk/id/"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:leg="http://www.legislation.gov.uk/namespaces/legislation" xmlns:ukm="http://www.legislation.gov.uk/namespaces/metadata">
<id>http://www.legislation.gov.uk/changes/affecting/{affecting}/data.feed</id>
<title>Changes To Legislation</title>
<leg:page>1</leg:page>
<entry>
<id>http://www.legislation.gov.uk/changes/affected/{affected}/affecting/{affecting}/key-bench</id>
<content type="text/xml">
<ukm:Effect EffectId="key-bench" AffectedClass="UnitedKingdomStatutoryInstrument" AffectedURI="{uri}{affected}" AffectingURI="{uri}{affecting}" AffectingClass="UnitedKingdomStatutoryInstrument" Type="words substituted" Applied="false" AffectedProvisions="reg. 2" AffectingProvisions="reg. 3" AffectingYear="{parts["affecting"][1]}" AffectingNumber="{parts["affecting"][2]}" AffectedYear="{parts["affected"][1]}" AffectedNumber="{parts["affected"][2]}">
<ukm:AffectedTitle>Instrument {affected}</ukm:AffectedTitle>
<ukm:AffectingTitle>Instrument {affecting}</ukm:AffectingTitle>
</ukm:Effect>
</content>
<title>Effect</title>
</entry>
</feed>
""".encode()


@dataclass
class LegislationSite:
    """legislation.gov.uk as the spider sees it, able to publish more between runs."""

    ids: list[str]
    #: affecting id -> affected id, for the new instruments' changes feeds.
    effects: dict[str, str] = field(default_factory=dict)

    def publish(self, new: list[str], effects: dict[str, str]) -> None:
        self.ids = self.ids + new
        self.effects.update(effects)

    def answer(self, path: str) -> tuple[int, str, bytes]:
        parts = urlsplit(path)
        match = _INSTRUMENT.match(parts.path)
        if match and match.group(1) in set(self.ids) | set(TRACKED):
            return 200, "application/xml", clml(match.group(1))
        match = _FEED.match(parts.path)
        if match:
            query = dict(parse_qsl(parts.query))
            listed = [i for i in self.ids if match.group(1) in (None, i.split("/")[1])]
            if not listed:
                return 404, "text/plain", b"no results"
            pages = max(1, -(-len(listed) // FEED_PAGE_SIZE))
            page = int(query.get("page", "1"))
            chunk = listed[(page - 1) * FEED_PAGE_SIZE : page * FEED_PAGE_SIZE]
            return 200, "application/atom+xml", atom_page(chunk, page, pages, parts.path)
        match = _CHANGES.match(parts.path)
        if match:
            direction, legislation_id = match.groups()
            if direction == "affecting" and legislation_id in self.effects:
                body = changes_feed(legislation_id, self.effects[legislation_id])
                return 200, "application/atom+xml", body
        if parts.path.startswith("/changes/"):
            return 200, "application/atom+xml", EMPTY_FEED
        return 404, "text/plain", b"not found"


def published_between_runs(ids: list[str]) -> tuple[list[str], dict[str, str]]:
    """What the source publishes between the two nights: this year's new instrument
    (amending the first stored one), a late one of this year and a late one of last."""
    year = date.today().year
    new = f"uksi/{year}/9001"
    late_this_year = f"uksi/{year}/1"
    late_last_year = f"uksi/{year - 1}/9002"
    return [new, late_this_year, late_last_year], {new: ids[0]}


def stored(db: Path) -> tuple[set[str], set[tuple[str, str]], dict[str, str]]:
    """(item ids, amendments as (affecting, affected), last_changed of each item)."""
    conn = sqlite3.connect(db)
    try:
        items = dict(conn.execute("select id, last_changed from items"))
        amendments = set(conn.execute("select affecting_id, affected_id from amendments"))
    finally:
        conn.close()
    return set(items), amendments, items


def run_nightly(
    db: Path,
    base_url: str,
    settings: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
    scrapy: list[str] | None = None,
) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, output) of one `scrapy nightly --source legislation`
    (`scrapy` is the command that runs scrapy: bench.planted's, in the tests)."""
    environment = {**os.environ, "TIMELINE_DB": str(db), "PROGRESS_INTERVAL": "0", **(env or {})}
    environment.update({name: base_url for name in BASE_URL_SETTINGS})
    command = [*(scrapy or [PYTHON, "-m", "scrapy.cmdline"]), "nightly", "--source", "legislation"]
    every = {**TEST_SETTINGS, "CONCURRENT_REQUESTS_PER_DOMAIN": "8", **(settings or {})}
    for name, value in every.items():
        command += ["-s", f"{name}={value}"]
    returncode, output, peak_mb, seconds = run_measured(command, cwd=ROOT, env=environment)
    if returncode != 0:
        raise RuntimeError(f"scrapy nightly failed ({returncode}):\n{output[-3000:]}")
    return seconds, peak_mb, output


@dataclass
class Night:
    """The two runs of one measurement."""

    requests: tuple[int, int]
    seconds: tuple[float, float]
    rss_mb: float
    #: What the second run should have stored and did not, or stored and should not have.
    problems: list[str]
    #: The longest the write lock was held at once, when it was watched.
    longest_lock: float = 0.0
    database_mb: float = 0.0


def two_nights(
    count: int, plant: dict[str, Any] | None = None, workdir: Path | None = None
) -> Night:
    """A first run, the source publishing, and the second run (with `plant`'s settings
    and environment, in the tests, to plant a regression)."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-nightly-", dir=workdir))
    plant = plant or {}
    try:
        db = tmp / "timeline.db"
        site = LegislationSite(instrument_ids(count))
        with BenchServer(site.answer) as server:
            first_seconds, first_rss, _ = run_nightly(db, server.base_url)
            first_requests = server.count()
            items_before, amendments_before, changed_before = stored(db)
            new, effects = published_between_runs(site.ids)
            site.publish(new, effects)
            server.reset()
            second_seconds, second_rss, _ = run_nightly(
                db, server.base_url, plant.get("settings"), plant.get("env"), plant.get("scrapy")
            )
            second_requests = server.count()
        items_after, amendments_after, changed_after = stored(db)
        database_mb = db.stat().st_size / 1e6
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    expected_items = {f"legislation:{i}" for i in new}
    expected_amendments = set(effects.items())
    problems = []
    missed = expected_items - items_after
    if missed:
        problems.append(f"missed {', '.join(sorted(missed))}")
    extra = items_after - items_before - expected_items
    if extra:
        problems.append(f"stored {len(extra)} items not published: {sorted(extra)[:3]}")
    if amendments_after - amendments_before != expected_amendments:
        problems.append(
            f"amendments stored {sorted(amendments_after - amendments_before)},"
            f" published {sorted(expected_amendments)}"
        )
    touched = [i for i in items_before if changed_after.get(i) != changed_before.get(i)]
    if touched:
        problems.append(f"{len(touched)} stored items changed although the source did not")
    return Night(
        (first_requests, second_requests),
        (first_seconds, second_seconds),
        max(first_rss, second_rss),
        problems,
        database_mb=database_mb,
    )


def measure(
    scale: Scale, runs: int | None = None, plant: dict[str, Any] | None = None
) -> tuple[list[Figure], dict[str, Any]]:
    nights = [two_nights(scale.instruments, plant) for _ in range(runs or scale.runs)]
    problems = list(dict.fromkeys(p for night in nights for p in night.problems))
    requests = from_runs(
        f"4 incremental nightly requests after the source published 3 instruments and an"
        f" amendment ({scale.instruments:,} instruments stored)",
        [float(n.requests[1]) for n in nights],
        [float(n.requests[0]) for n in nights],
        unit="requests",
        baseline_label="first run",
        target=f"<= {REQUESTS_TARGET} of the first run's, storing exactly what was published",
        met=lambda _value, ratio: ratio <= REQUESTS_TARGET,
        problems=problems,
    )
    seconds = from_runs(
        "4 incremental nightly wall time",
        [n.seconds[1] for n in nights],
        [n.seconds[0] for n in nights],
        unit="s",
        baseline_label="first run",
        target=f"<= {TIME_TARGET} of the first run's",
        met=lambda _value, ratio: ratio <= TIME_TARGET,
        problems=problems,
    )
    return [requests, seconds], {
        "nightly_rss_mb": max(n.rss_mb for n in nights),
        "database_mb": max(n.database_mb for n in nights),
        "nights": nights,
    }


def as_last_night_left_it(db: Path) -> None:
    """What the nightly job records that the generated database lacks: every stored
    instrument's changes feeds read just now (read again only after
    CHANGES_REFRESH_DAYS), and the rules everything was last re-tagged with (re-tagging
    everything is figure 7's)."""
    from datetime import UTC, datetime

    from pipelines.retag import STATE_KEY, rules_fingerprint
    from pipelines.tagging import load_rules
    from timeline_spiders.parsers.legislation_changes import DIRECTIONS, changes_feed_url

    now = datetime.now(UTC).isoformat(timespec="seconds")
    fingerprint = rules_fingerprint(load_rules(str(ROOT / "data" / "campaigns.yml")))
    conn = sqlite3.connect(db)
    try:
        ids = [row[0] for row in conn.execute("select id from items where source = 'legislation'")]
        with conn:
            conn.execute(
                "insert or replace into state (key, value) values (?, ?)", (STATE_KEY, fingerprint)
            )
            conn.executemany(
                "insert or replace into feeds (url, fetched_at) values (?, ?)",
                [
                    (changes_feed_url(direction, item_id.removeprefix("legislation:")), now)
                    for item_id in ids
                    for direction in DIRECTIONS
                ],
            )
    finally:
        conn.close()


def one_night_at_scale(source_db: Path, workdir: Path) -> Night:
    """One nightly run on a copy of the figure 3 database (a year of nightly runs
    recorded, every instrument's changes feeds read), after the source published."""
    from bench.retag import LockProbe

    db = workdir / "timeline.db"
    copy_on_disk(source_db, db)
    as_last_night_left_it(db)
    items_before, amendments_before, _ = stored(db)
    known = sorted(
        i.removeprefix("legislation:") for i in items_before if i.startswith("legislation:uksi/")
    )
    site = LegislationSite(known)
    new, effects = published_between_runs(known)
    site.publish(new, effects)
    with BenchServer(site.answer) as server, LockProbe(db) as probe:
        seconds, rss, _ = run_nightly(db, server.base_url)
        requests = server.count()
    items_after, amendments_after, _ = stored(db)
    problems = []
    if {f"legislation:{i}" for i in new} - items_after:
        problems.append(f"missed {sorted({f'legislation:{i}' for i in new} - items_after)}")
    if amendments_after - amendments_before != set(effects.items()):
        problems.append("the published amendment was not stored exactly")
    return Night((requests, requests), (seconds, seconds), rss, problems, probe.longest)


def measure_at_scale(
    scale: Scale, source_db: Path, small_seconds: list[float], runs: int | None = None
) -> tuple[list[Figure], dict[str, Any]]:
    """Figure 4 at scale: the nightly job on the figure 3 database, against the same
    night on the small database of figure 4 (`small_seconds`, its second runs)."""
    nights = []
    for _ in range(runs or scale.heavy_runs):
        with tempfile.TemporaryDirectory(prefix="bench-nightly-", dir=source_db.parent) as tmp:
            nights.append(one_night_at_scale(source_db, Path(tmp)))
    problems = list(dict.fromkeys(p for night in nights for p in night.problems))
    longest = max(night.longest_lock for night in nights)
    figure = from_runs(
        f"4 one nightly run on the {scale.events:,}-event database ({nights[0].requests[1]}"
        f" requests; longest write transaction {longest:.1f} s)",
        [night.seconds[1] for night in nights],
        (small_seconds * len(nights))[: len(nights)],
        unit="s",
        baseline_label=f"the same night on figure 4's {scale.instruments:,}-instrument database",
        target="stores exactly what was published; peak RSS < 300 MB (figure 5)",
        met=lambda _value, _ratio: True,
        problems=problems,
    )
    return [figure], {"nightly_scale_rss_mb": max(n.rss_mb for n in nights)}
