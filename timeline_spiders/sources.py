"""Every source of the timeline, declared once.

A source is declared here and nowhere else: its name (the `source` column), the label
readers see, the setting that holds the base URL to fetch from and its default (the
official host), the public site that stored links point to, the kinds of event it adds
with their labels, and which other sources' stored items it reads. Settings, the test
crawl helper, the site's filters and labels, the metadata's column descriptions and the
README's settings table all follow from this list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

#: How often a source refreshed less than hourly is asked (see timeline_jobs/schedule.py).
EVERY_SIX_HOURS = timedelta(hours=6)


@dataclass(frozen=True)
class Source:
    """One place the timeline's items come from.

    `official_base_url` is the default of `base_url_setting`: URLs found on it are
    fetched from the configured base instead (tests point it at a local server), and
    fetched URLs are moved back to it before they are stored. `public_site` is where
    readers are sent; for an API it differs from the host fetched from.
    `reads_items_of` names the sources whose stored items this one's spider reads, so
    the nightly job runs it after them. `refresh_every` is how often a run asks it when the
    job runs more often than daily (timeline_jobs/schedule.py). A source with no
    `base_url_setting` is not crawled (the campaign's own events, from the staff files).
    """

    name: str
    label: str
    public_site: str
    event_kinds: Mapping[str, str]
    base_url_setting: str | None = None
    official_base_url: str | None = None
    reads_items_of: tuple[str, ...] = ()
    #: Kinds of event that publish a new text of the document (a guide's update): a search
    #: match is shown only on events whose text the timeline holds.
    versioned_kinds: tuple[str, ...] = ()
    licence: str = "Open Parliament Licence v3.0"
    description: str = ""
    refresh_every: timedelta = timedelta(hours=1)

    @property
    def crawled(self) -> bool:
        return self.base_url_setting is not None


SOURCES: tuple[Source, ...] = (
    Source(
        name="legislation",
        label="legislation.gov.uk",
        description="statutory instruments, their dates and amendments",
        base_url_setting="LEGISLATION_URL",
        official_base_url="https://www.legislation.gov.uk",
        public_site="https://www.legislation.gov.uk",
        licence="Open Government Licence v3.0",
        event_kinds={
            "si_made": "Instrument made",
            "si_laid": "Instrument laid",
            "si_in_force": "Instrument in force",
            "si_approved": "Instrument approved",
        },
    ),
    Source(
        name="si_tracker",
        label="Parliament's SI tracker",
        description="statutory instruments' stages in Parliament",
        base_url_setting="SI_API_URL",
        official_base_url="https://statutoryinstruments-api.parliament.uk",
        public_site="https://statutoryinstruments.parliament.uk",
        reads_items_of=("legislation",),
        event_kinds={
            "si_laid": "Instrument laid",
            "si_committee": "Committee scrutiny",
            "si_motion": "Motion on an instrument",
            "si_debate": "Instrument debated",
            "si_approved": "Instrument approved",
            "si_scrutiny_period_end": "Objection period ends",
            "si_procedure_concluded": "Procedure concluded",
            "si_stage": "Stage in Parliament",
        },
    ),
    Source(
        name="hansard",
        # A day's debates are published through the day and overnight; six-hourly is
        # still the same day, and its searches are two requests a phrase.
        refresh_every=EVERY_SIX_HOURS,
        label="Hansard",
        description="debates in the Commons, the Lords and Westminster Hall",
        base_url_setting="HANSARD_API_URL",
        official_base_url="https://hansard-api.parliament.uk",
        public_site="https://hansard.parliament.uk",
        event_kinds={"debate": "Debate"},
    ),
    Source(
        name="questions",
        # Four requests a phrase (tabled, answered, corrected, statements): the costliest
        # source, so spread; an answer still reaches the campaign the same day.
        refresh_every=EVERY_SIX_HOURS,
        label="Written questions and statements",
        description="written questions, their answers, and written ministerial statements",
        base_url_setting="QUESTIONS_API_URL",
        official_base_url="https://questions-statements-api.parliament.uk",
        public_site="https://questions-statements.parliament.uk",
        event_kinds={
            "written_question": "Written question",
            "written_statement": "Written statement",
        },
    ),
    Source(
        name="govuk",
        label="GOV.UK",
        description="Department for Education guidance and its changes",
        base_url_setting="GOVUK_URL",
        official_base_url="https://www.gov.uk",
        public_site="https://www.gov.uk",
        licence="Open Government Licence v3.0",
        versioned_kinds=("guidance_published", "guidance_updated"),
        event_kinds={
            "guidance_published": "Guidance published",
            "guidance_updated": "Guidance updated",
            "guidance_withdrawn": "Guidance withdrawn",
        },
    ),
    Source(
        name="bills",
        # Stages and amendments are recorded a few times a sitting day.
        refresh_every=EVERY_SIX_HOURS,
        label="Parliament's bills",
        description="bills, their stages in both Houses, amendments and publications",
        base_url_setting="BILLS_API_URL",
        official_base_url="https://bills-api.parliament.uk",
        public_site="https://bills.parliament.uk",
        event_kinds={
            "bill_stage": "Bill stage",
            "bill_amendment": "Bill amendment",
            "bill_publication": "Bill publication",
        },
    ),
    Source(
        name="committees",
        # Reports and evidence are published a few times a week.
        refresh_every=EVERY_SIX_HOURS,
        label="Parliament's committees",
        description="committee reports, evidence, correspondence and government responses",
        base_url_setting="COMMITTEES_API_URL",
        official_base_url="https://committees-api.parliament.uk",
        public_site="https://committees.parliament.uk",
        # It searches for the instruments and bills those sources stored.
        reads_items_of=("legislation", "bills"),
        event_kinds={
            "committee_report": "Committee report",
            "committee_evidence": "Committee evidence",
            "government_response": "Government response",
            "committee_correspondence": "Committee correspondence",
            "committee_publication": "Committee publication",
        },
    ),
    Source(
        name="motions",
        # Motions are tabled on sitting days; signatures change slowly after the first days.
        refresh_every=EVERY_SIX_HOURS,
        label="Early day motions",
        description="Commons motions and their signatures, prayers against instruments included",
        base_url_setting="MOTIONS_API_URL",
        official_base_url="https://oralquestionsandmotions-api.parliament.uk",
        public_site="https://edm.parliament.uk",
        # Prayers are fetched for the instruments that source stored.
        reads_items_of=("legislation",),
        event_kinds={"edm_tabled": "Early day motion"},
    ),
    Source(
        name="petitions",
        # Responses and debates are weeks apart; signature counts need not be hourly.
        refresh_every=EVERY_SIX_HOURS,
        label="Petitions",
        description="e-petitions to Parliament, the Government's responses and their debates",
        base_url_setting="PETITIONS_URL",
        official_base_url="https://petition.parliament.uk",
        public_site="https://petition.parliament.uk",
        event_kinds={
            "petition_opened": "Petition opened",
            "petition_response": "Government response to a petition",
            "petition_debated": "Petition debated",
        },
    ),
    Source(
        name="campaign",
        label="Campaign's own record",
        description="the campaign's own events, from data/campaign_events.csv",
        public_site="",
        licence="",
        event_kinds={"campaign_event": "Campaign event"},
    ),
)


def source_named(name: str) -> Source:
    """The declared source called `name`; KeyError names the known ones."""
    for source in SOURCES:
        if source.name == name:
            return source
    known = ", ".join(source.name for source in SOURCES)
    raise KeyError(f"no source called {name!r} (known: {known})")


def versioned_kinds() -> list[str]:
    """Every kind of event that publishes a new text of its document."""
    return [kind for source in SOURCES for kind in source.versioned_kinds]


def crawled_sources() -> list[Source]:
    return [source for source in SOURCES if source.crawled]


def source_labels() -> dict[str, str]:
    """Source name -> label, in declaration order."""
    return {source.name: source.label for source in SOURCES}


def event_kind_labels() -> dict[str, str]:
    """Event kind -> label, every source's kinds in declaration order, each kind once."""
    labels: dict[str, str] = {}
    for source in SOURCES:
        for kind, label in source.event_kinds.items():
            labels.setdefault(kind, label)
    return labels


def base_url_defaults() -> dict[str, str]:
    """Base URL setting -> its default, the official host, for every crawled source."""
    return {
        source.base_url_setting: source.official_base_url or ""
        for source in SOURCES
        if source.base_url_setting
    }


def readme_settings_table() -> str:
    """The README's table of base URL settings, one row per crawled source."""
    rows = [
        "| Setting | Default | Source |",
        "| --- | --- | --- |",
        *(
            f"| `{source.base_url_setting}` | `{source.official_base_url}` | "
            f"{source.label}: {source.description} |"
            for source in SOURCES
            if source.crawled
        ),
    ]
    return "\n".join(rows)


README_TABLE_START = "<!-- sources table: made by `make docs` from timeline_spiders/sources.py -->"
README_TABLE_END = "<!-- end of sources table -->"


def with_settings_table(readme: str) -> str:
    """`readme` with the table between its markers made afresh."""
    before, rest = readme.split(README_TABLE_START, 1)
    _, after = rest.split(README_TABLE_END, 1)
    table = readme_settings_table()
    return f"{before}{README_TABLE_START}\n{table}\n{README_TABLE_END}{after}"


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["--write-readme"]:
        path = Path(sys.argv[2])
        path.write_text(with_settings_table(path.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"Wrote the sources table into {path}.")
    else:
        print(readme_settings_table())
