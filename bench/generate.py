# ruff: noqa: E501  (the XML templates are copied from the real formats, long lines and all)
"""Scaled data in the sources' real formats, reproducible from a seed.

- Hansard debate sections as the API serves them (`/debates/debate/{ExtId}.json`, the
  shape of tests/fixtures/hansard/*.json), and the `Document` `parse_debate` makes of each.
- legislation.gov.uk CLML instruments and Atom search pages (tests/fixtures/legislation).
- A timeline database of any size in the project's own schema, written directly with
  bulk inserts (not through the crawler), for the search benchmark.

Text is drawn from a Zipf-distributed vocabulary of made-up words, so the search index
has a realistic spread of rare and common terms; a few contributions in a hundred carry a
campaign phrase or an SI citation, so tagging and citation finding do real work.
"""

from __future__ import annotations

import itertools
import json
import random
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pipelines.database import open_database
from pipelines.schema import migrate
from timeline_spiders.items import Contribution, Document, Event
from timeline_spiders.parsers.hansard import (
    SUMMARY_CHARS,
    debate_place,
    debate_url,
    parse_attribution,
)
from timeline_spiders.parsers.reading import snippet

SYLLABLES = [
    "ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "qui", "ro",
    "su", "ta", "ve", "wi", "xo", "yu", "zen", "tor", "lan", "mir", "sol", "dra", "ket",
]  # fmt: skip
#: Real words for the search benchmark: each is in the vocabulary at a known rank.
COMMON_WORDS = ["the", "government", "department", "minister", "school", "data"]
#: Campaign-relevant sentences: what makes tagging and citations find something.
CAMPAIGN_SENTENCES = [
    "The school census now records pupil nationality and country of birth.",
    "These regulations, SI 2016/808, were laid without debate.",
    "The Home Office asked for pupil data from the national pupil database.",
    "The alternative provision census records pregnancy and mental health as reasons.",
    "Parents were told they could refuse to give their children's nationality.",
    "The 2017 No. 807 regulations changed the alternative provision census.",
]
CAMPAIGN_RATE = 0.03
HOUSES = [("Commons", "Commons Chamber"), ("Lords", "Lords Chamber"), ("Commons", "Westminster Hall")]  # fmt: skip
START = date(2010, 1, 1)
DAYS = (date(2025, 12, 31) - START).days


class Words:
    """A Zipf-distributed vocabulary: word of rank r drawn with weight 1/r."""

    def __init__(self, seed: int = 8, size: int = 30_000) -> None:
        rng = random.Random(seed)
        made_up: set[str] = set()
        while len(made_up) < size - len(COMMON_WORDS):
            made_up.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))))
        # Real words take the top ranks (frequent), then a shuffled made-up vocabulary.
        self.vocabulary = COMMON_WORDS + sorted(made_up)
        rng.shuffle(self.vocabulary[len(COMMON_WORDS) :])
        self.cumulative = list(itertools.accumulate(1 / rank for rank in range(1, size + 1)))
        self.rng = random.Random(seed + 1)

    def rank(self, word: str) -> int:
        return self.vocabulary.index(word) + 1

    def text(self, count: int) -> str:
        chosen = self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=count)
        sentence = " ".join(chosen).capitalize() + "."
        if self.rng.random() < CAMPAIGN_RATE:
            sentence += " " + self.rng.choice(CAMPAIGN_SENTENCES)
        return sentence


# --- Hansard debates ---------------------------------------------------------------------


@dataclass
class Speech:
    external_id: str
    member_id: int
    attributed: str
    text: str


@dataclass
class Debate:
    ext_id: str
    day: str
    house: str
    location: str
    title: str
    speeches: list[Speech]


def debates(count: int, per_debate: int, seed: int = 8) -> list[Debate]:
    """`count` debate sections of `per_debate` speeches of 40-120 words each."""
    rng = random.Random(seed)
    words = Words(seed)
    made = []
    for number in range(count):
        house, location = HOUSES[number % len(HOUSES)]
        ext_id = str(uuid.UUID(int=rng.getrandbits(128))).upper()
        speeches = [
            Speech(
                external_id=f"{ext_id[:24]}{order:012d}",
                member_id=1000 + rng.randrange(1400),
                attributed=f"Member {rng.randrange(1400)} (Con)",
                text=words.text(rng.randint(40, 120)),
            )
            for order in range(1, per_debate + 1)
        ]
        title = " ".join(words.text(4).rstrip(".").split()[:4]).title()
        day = (START + timedelta(days=rng.randrange(DAYS))).isoformat()
        made.append(Debate(ext_id, day, house, location, title, speeches))
    return made


def debate_json(debate: Debate) -> bytes:
    """The debate as `/debates/debate/{ExtId}.json` serves it."""
    data = {
        "Overview": {
            "Id": abs(hash(debate.ext_id)) % 10_000_000,
            "ExtId": debate.ext_id,
            "Title": debate.title,
            "HRSTag": "hs_8Question",
            "Date": f"{debate.day}T00:00:00",
            "Location": debate.location,
            "House": debate.house,
            "Source": 1,
            "ContentLastUpdated": f"{debate.day}T08:00:00",
        },
        "Navigator": [
            {"Id": 1, "Title": debate.location, "ParentId": None, "ExternalId": "ROOT"},
            {"Id": 2, "Title": debate.title, "ParentId": 1, "ExternalId": debate.ext_id},
        ],
        "Items": [
            {
                "ItemType": "Contribution",
                "ItemId": 70_000_000 + order,
                "MemberId": speech.member_id,
                "AttributedTo": speech.attributed,
                "Value": f"<p>{speech.text}</p>",
                "OrderInSection": order,
                "Timecode": None,
                "ExternalId": speech.external_id,
                "HRSTag": "hs_Para",
                "HansardSection": None,
                "UIN": None,
                "IsReiteration": False,
            }
            for order, speech in enumerate(debate.speeches, start=1)
        ],
        "ChildDebates": [],
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def debate_document(debate: Debate) -> Document:
    """The `Document` `parse_debate(debate_json(debate))` returns, built directly.

    Built without parsing so the pipeline benchmark spends its time in the pipelines; a
    smoke test checks it equals what the real parser makes.
    """
    url = debate_url(debate.house, debate.day, debate.ext_id, debate.title)
    speakers = {s.member_id: parse_attribution(s.attributed, s.member_id) for s in debate.speeches}
    contributions = [
        Contribution(
            external_id=s.external_id,
            order=order,
            text=s.text,
            member_id=s.member_id,
            member_name=speakers[s.member_id].name,
            column="",
            url=f"{url}#contribution-{s.external_id}",
            party=speakers[s.member_id].party,
        )
        for order, s in enumerate(debate.speeches, start=1)
    ]
    lead = contributions[0]
    return Document(
        id=f"hansard:{debate.ext_id}",
        source="hansard",
        doc_type="debate",
        title=debate.title,
        url=url,
        summary=f"{debate_place(debate.house, debate.location)}. {lead.member_name}: "
        f"{snippet(lead.text, SUMMARY_CHARS)}",
        body="\n\n".join(f"{s.attributed}: {s.text}" for s in debate.speeches),
        events=[Event(kind="debate", date=debate.day)],
        contributions=contributions,
        metadata={
            "house": debate.house,
            "location": debate.location,
            "ext_id": debate.ext_id,
            "hrs_tag": "hs_8Question",
            "section_title": debate.title,
            "heading": "",
            "speakers": [vars(speaker) for speaker in speakers.values()],
            "lead_contribution": lead.external_id,
        },
    )


def write_debates(folder: Path, count: int, per_debate: int) -> list[str]:
    """Write `count` debate files named `{ExtId}.json` into `folder`; return the ExtIds.

    Kept between runs (the folder is keyed by scale): a complete set is reused.
    """
    folder.mkdir(parents=True, exist_ok=True)
    listing = folder / "ids.json"
    if listing.exists():
        ids = json.loads(listing.read_text())
        if len(ids) == count and all((folder / f"{i}.json").exists() for i in ids):
            return ids
    ids = []
    for debate in debates(count, per_debate, seed=2):
        (folder / f"{debate.ext_id}.json").write_bytes(debate_json(debate))
        ids.append(debate.ext_id)
    listing.write_text(json.dumps(ids))
    return ids


# --- legislation.gov.uk ------------------------------------------------------------------

FEED_PAGE_SIZE = 20


def instrument_ids(count: int) -> list[str]:
    """`count` instrument ids spread over 2010-2024 (numbers from 2000 up, no clash with
    the tracked SIs)."""
    return [f"uksi/{2010 + n % 15}/{2000 + n}" for n in range(count)]


def clml(legislation_id: str) -> bytes:
    """A made instrument as `/{id}/made/data.xml` serves it (CLML)."""
    _, year, number = legislation_id.split("/")
    made = date(int(year), 1 + int(number) % 12, 1 + int(number) % 28)
    laid, in_force = made + timedelta(days=2), made + timedelta(days=30)
    title = (
        f"The Education (Pupil Information) (England) (Amendment No. {number}) Regulations {year}"
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Legislation xmlns="http://www.legislation.gov.uk/namespaces/legislation" DocumentURI="http://www.legislation.gov.uk/{legislation_id}/made" IdURI="http://www.legislation.gov.uk/id/{legislation_id}" NumberOfProvisions="1" SchemaVersion="1.0" RestrictExtent="E">
<ukm:Metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dct="http://purl.org/dc/terms/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:ukm="http://www.legislation.gov.uk/namespaces/metadata">
<dc:identifier>http://www.legislation.gov.uk/{legislation_id}/made</dc:identifier>
<dc:title>{title}</dc:title>
<dc:language>en</dc:language>
<dc:subject scheme="SIheading">EDUCATION, ENGLAND</dc:subject>
<dc:description>These Regulations change the information schools send about pupils.</dc:description>
<ukm:SecondaryMetadata>
<ukm:DocumentClassification>
<ukm:DocumentCategory Value="secondary"/>
<ukm:DocumentMainType Value="UnitedKingdomStatutoryInstrument"/>
<ukm:DocumentStatus Value="final"/>
<ukm:DocumentMinorType Value="regulation"/>
</ukm:DocumentClassification>
<ukm:Year Value="{year}"/>
<ukm:Number Value="{number}"/>
<ukm:Made Date="{made.isoformat()}"/>
<ukm:Laid Date="{laid.isoformat()}" Class="UnitedKingdomParliament"/>
<ukm:ComingIntoForce><ukm:DateTime Date="{in_force.isoformat()}"/></ukm:ComingIntoForce>
</ukm:SecondaryMetadata>
</ukm:Metadata>
<Secondary>
<SecondaryPrelims>
<Number>{year} No. {number}</Number>
<Title>{title}</Title>
</SecondaryPrelims>
<Body>
<P1group><Title>Pupil information</Title>
<P1 id="regulation-1"><Pnumber>1</Pnumber><P1para><Text>A school must send the information in the Schedule in its census return, as amended by S.I. 2016/808.</Text></P1para></P1>
</P1group>
</Body>
</Secondary>
</Legislation>
""".encode()


def atom_page(ids: list[str], page: int, pages: int, path: str) -> bytes:
    """One page of a legislation.gov.uk Atom search feed listing `ids`."""
    base = f"http://www.legislation.gov.uk{path}?title=pupil%20information"
    more = f'<link rel="next" type="application/atom+xml" href="{base}&amp;page={page + 1}"/>'
    entries = "".join(
        f"""<entry>
<id>http://www.legislation.gov.uk/id/{i}</id>
<title>Instrument {i}</title>
<link rel="alternate" type="application/xml" href="http://www.legislation.gov.uk/{i}/made/data.xml"/>
<ukm:DocumentMainType Value="UnitedKingdomStatutoryInstrument"/>
<ukm:Year Value="{i.split("/")[1]}"/>
<ukm:Number Value="{i.split("/")[2]}"/>
</entry>
"""
        for i in ids
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:leg="http://www.legislation.gov.uk/namespaces/legislation" xmlns:ukm="http://www.legislation.gov.uk/namespaces/metadata" xmlns:openSearch="http://a9.com/-/spec/opensearch/1.1/">
<id>{base}</id>
<title>Search Results</title>
<openSearch:itemsPerPage>{FEED_PAGE_SIZE}</openSearch:itemsPerPage>
<leg:page>{page}</leg:page>
{more if page < pages else ""}
{entries}</feed>
""".encode()


# --- A timeline database at scale --------------------------------------------------------

#: (source, doc_type, event kind, share of items)
SOURCE_MIX = [
    ("hansard", "debate", "debate", 0.55),
    ("questions", "written_question", "written_question", 0.30),
    ("govuk", "guidance", "guidance_updated", 0.10),
    ("legislation", "uksi", "si_made", 0.05),
]
TAG_RATES = {"boycott-school-census": 0.02, "labels-last-a-lifetime": 0.01}
#: Of the tags, the share the rules only suggest (scored below 1), as the real rules do.
SUGGESTED_SHARE = 0.15
SHOW_SUGGESTED_FROM = 0.5
CITATION_RATE = 0.03
#: The most-cited instrument, stored with its own three events like a real one.
MOST_CITED = "uksi/2016/808"
#: How first_seen is spread, as the real job writes it: one back-fill a year before the
#: database was built (most events, stamped batch by batch over an hour or two), then
#: one run a night finding what was new, plus a few old items found late.
BACKFILL_DAYS_AGO = 365
FOUND_LATE_RATE = 0.02
BATCH = 5_000
#: Part of the cached database's name: change it when what is generated changes.
DATABASE_VERSION = 2


def first_seen_stamp(night: date, seconds: int) -> str:
    moment = datetime(night.year, night.month, night.day, 2, tzinfo=UTC)
    return (moment + timedelta(seconds=seconds)).isoformat(timespec="seconds")


def build_database(path: Path, events: int, contributions: int, seed: int = 8) -> Path:
    """A timeline database of `events` items (one event each, and the most-cited
    instrument with its three) and `contributions` speeches spread over the debates, in
    the project's schema (indexes, views, search index), as the real job leaves it:
    debates' bodies are their speeches, most tags confirmed and some only suggested,
    first_seen spread over a back-fill and a year of nightly runs, and a `runs` row per
    source per night."""
    if path.exists():
        return as_the_job_leaves_it(path)
    partial = path.with_name(path.name + ".partial")
    partial.parent.mkdir(parents=True, exist_ok=True)
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()
    db = open_database(partial, create=True)
    migrate(db)
    db.conn.close()
    conn = sqlite3.connect(partial)
    conn.execute("pragma journal_mode = off")
    conn.execute("pragma synchronous = off")
    conn.execute("pragma cache_size = -200000")
    rng = random.Random(seed)
    words = Words(seed)
    built = date.today()
    backfill = built - timedelta(days=BACKFILL_DAYS_AGO)
    last_night = built - timedelta(days=1)
    days = (built + timedelta(days=60) - START).days
    debates_total = int(events * SOURCE_MIX[0][3])
    per_debate = max(1, contributions // max(1, debates_total))
    conn.executemany(
        "insert or ignore into campaigns (slug, hashtag, title, description,"
        " show_suggested_from) values (?,?,?,?,?)",
        [
            (slug, f"#{slug}", slug.replace("-", " ").title(), "", SHOW_SUGGESTED_FROM)
            for slug in TAG_RATES
        ],
    )
    made_contributions = 0
    number = 0

    def found(day: date) -> str:
        """When the job first stored an item of this date."""
        if rng.random() < FOUND_LATE_RATE:
            night = backfill + timedelta(days=rng.randint(1, BACKFILL_DAYS_AGO - 1))
            return first_seen_stamp(night, rng.randrange(600))
        if day < backfill:
            return first_seen_stamp(backfill, number // 200)
        return first_seen_stamp(min(day + timedelta(days=1), last_night), rng.randrange(600))

    with conn:
        for source, doc_type, kind, share in SOURCE_MIX:
            count = debates_total if source == "hansard" else int(events * share)
            for start in range(0, count, BATCH):
                items, event_rows, speech_rows, tags, cites = [], [], [], [], []
                for _ in range(min(BATCH, count - start)):
                    number += 1
                    item_id = f"{source}:{number:08d}"
                    day = START + timedelta(days=rng.randrange(days))
                    seen_at = found(day)
                    title = words.text(8).rstrip(".")
                    body = words.text(rng.randint(40, 100))
                    url = f"https://example.org/{source}/{number}"
                    if source == "hansard":
                        wanted = min(per_debate, contributions - made_contributions)
                        speeches = []
                        for order in range(1, wanted + 1):
                            member = rng.randrange(1400)
                            text = words.text(rng.randint(20, 60))
                            speeches.append(f"Member {member} (Con): {text}")
                            speech_rows.append(
                                (f"{item_id}:c{order}", item_id, f"c{order}", order,
                                 1000 + member, f"Member {member}", "", text, url)
                            )  # fmt: skip
                        made_contributions += wanted
                        body = "\n\n".join(speeches) or body
                    items.append(
                        (item_id, source, doc_type, title, body[:200], body, url, "{}",
                         f"{number:064x}", seen_at, seen_at, seen_at)
                    )  # fmt: skip
                    event_rows.append(
                        (f"{item_id}:{kind}", item_id, kind, day.isoformat(), "", "", "",
                         seen_at)
                    )  # fmt: skip
                    for slug, rate in TAG_RATES.items():
                        if rng.random() < rate:
                            suggested = rng.random() < SUGGESTED_SHARE
                            status = "suggested" if suggested else "confirmed"
                            score = round(rng.uniform(0.2, 0.95), 2) if suggested else 1.0
                            tags.append((item_id, slug, "bench rule", "[]", status, score, ""))
                    if rng.random() < CITATION_RATE:
                        cites.append((item_id, MOST_CITED, "SI 2016/808"))
                _insert(conn, items, event_rows, speech_rows, tags, cites)
        _insert(conn, *_most_cited_instrument(backfill))
        conn.executemany(
            "insert into runs (job_id, source, started_at, finished_at, status, finish_reason,"
            " requests, items_new, items_changed, items_unchanged, items_gone, items_stored,"
            " items_live, errors_count, errors) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            _runs(backfill, last_night, rng),
        )
    conn.execute("insert into items_fts (items_fts) values ('optimize')")
    conn.commit()
    conn.execute("pragma journal_mode = wal")
    conn.close()
    partial.rename(path)
    return as_the_job_leaves_it(path)


def as_the_job_leaves_it(path: Path) -> Path:
    """The database as the nightly job would leave it: in the current schema (a cached
    database from before a schema change is migrated, as the job migrates the live
    one) and without the planner statistics ANALYZE makes, which the job never makes
    (so SQLite plans the pages here as it does on the live site)."""
    db = open_database(path)
    try:
        migrate(db)
        for table in ("sqlite_stat1", "sqlite_stat4"):
            db.execute(f"drop table if exists {table}")
        db.conn.commit()
    finally:
        db.conn.close()
    return path


def _insert(conn, items, event_rows, speech_rows, tags, cites) -> None:
    conn.executemany(
        "insert into items (id, source, doc_type, title, summary, body, url,"
        " metadata, content_hash, first_seen, last_seen, last_changed)"
        " values (?,?,?,?,?,?,?,?,?,?,?,?)",
        items,
    )
    conn.executemany(
        "insert into events (id, item_id, kind, date, title, summary, url,"
        " first_seen) values (?,?,?,?,?,?,?,?)",
        event_rows,
    )
    conn.executemany(
        "insert into contributions (id, item_id, external_id, position,"
        " member_id, member_name, column_ref, text, url) values (?,?,?,?,?,?,?,?,?)",
        speech_rows,
    )
    conn.executemany(
        "insert into item_campaigns (item_id, campaign, rule, terms, status, score, context)"
        " values (?,?,?,?,?,?,?)",
        tags,
    )
    conn.executemany(
        "insert into citations (item_id, legislation_id, matched_text) values (?,?,?)",
        cites,
    )


def _most_cited_instrument(backfill: date) -> tuple[list, list, list, list, list]:
    item_id = f"legislation:{MOST_CITED}"
    seen_at = first_seen_stamp(backfill, 0)
    title = (
        "The Education (Pupil Information) (England) (Miscellaneous Amendments) Regulations 2016"
    )
    body = "These Regulations add nationality and country of birth to the school census."
    item = (item_id, "legislation", "statutory_instrument", title, body, body,
            f"https://www.legislation.gov.uk/{MOST_CITED}/made", "{}", "808" * 8, seen_at,
            seen_at, seen_at)  # fmt: skip
    events = [
        (f"{item_id}:{kind}", item_id, kind, day, "", "", "", seen_at)
        for kind, day in (
            ("si_made", "2016-09-01"),
            ("si_laid", "2016-09-05"),
            ("si_in_force", "2016-09-26"),
        )
    ]
    tags = [(item_id, "boycott-school-census", "bench rule", "[]", "confirmed", 1.0, "")]
    return [item], events, [], tags, []


def _runs(first: date, last: date, rng: random.Random) -> list[tuple]:
    """A run per source per night, one in fifty failed, as `runs` holds them."""
    rows = []
    night = first
    while night <= last:
        started = first_seen_stamp(night, 0)
        finished = first_seen_stamp(night, 900)
        for source, *_ in SOURCE_MIX:
            failed = rng.random() < 0.02
            errors = (
                [{"url": f"https://example.org/{source}", "reason": "HTTP 503"}] if failed else []
            )
            rows.append(
                (night.isoformat(), source, started, finished, "failed" if failed else "ok",
                 "finished", rng.randint(5, 200), rng.randint(0, 30), rng.randint(0, 5),
                 rng.randint(0, 100), 0, 0, 0, len(errors), json.dumps(errors))
            )  # fmt: skip
        night += timedelta(days=1)
    return rows
