"""The one declaration of every source, and everything that follows from it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from scrapy.utils.project import get_project_settings

from tests.support.crawl import BASE_URL_SETTINGS, SCRAPY
from timeline_site.campaign_pages import Filters
from timeline_site.formatting import KIND_LABELS, SOURCE_LABELS
from timeline_spiders.sources import (
    SOURCES,
    crawled_sources,
    event_kind_labels,
    source_named,
    with_settings_table,
)

ROOT = Path(__file__).resolve().parents[2]


def test_sources_and_their_base_url_settings_are_each_declared_once():
    names = [source.name for source in SOURCES]
    settings = [source.base_url_setting for source in crawled_sources()]
    assert len(names) == len(set(names))
    assert len(settings) == len(set(settings))


def test_every_base_url_setting_exists_with_the_official_host_as_its_default(monkeypatch):
    for source in crawled_sources():
        assert source.base_url_setting is not None
        monkeypatch.delenv(source.base_url_setting, raising=False)
    settings = get_project_settings()
    for source in crawled_sources():
        assert settings.get(source.base_url_setting) == source.official_base_url


def test_the_test_crawl_points_every_source_at_the_local_server():
    assert set(BASE_URL_SETTINGS) == {source.base_url_setting for source in crawled_sources()}


def test_the_sites_labels_and_filters_are_the_declared_ones():
    assert {source.name: source.label for source in SOURCES} == SOURCE_LABELS
    assert event_kind_labels() == KIND_LABELS
    assert set(KIND_LABELS) >= {"debate", "si_made", "campaign_event"}


def test_a_filter_for_an_undeclared_kind_or_source_is_ignored():
    class Args(dict):
        pass

    class FakeRequest:
        args = Args(kind="not_a_kind", source="not_a_source")

    assert Filters.from_request(FakeRequest()) == Filters()  # type: ignore[arg-type]


def test_the_readme_table_of_sources_is_up_to_date():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert with_settings_table(readme) == readme, "run `make docs`"


def test_an_unknown_source_is_named_with_the_known_ones():
    try:
        source_named("nope")
    except KeyError as error:
        assert "legislation" in str(error)
    else:
        raise AssertionError("source_named('nope') should fail")


#: The sources of issue 18, as the issue and the APIs' own documents name them.
PARLIAMENT_BUSINESS = {
    "bills": ("BILLS_API_URL", "https://bills-api.parliament.uk", "https://bills.parliament.uk"),
    "committees": (
        "COMMITTEES_API_URL",
        "https://committees-api.parliament.uk",
        "https://committees.parliament.uk",
    ),
    "motions": (
        "MOTIONS_API_URL",
        "https://oralquestionsandmotions-api.parliament.uk",
        "https://edm.parliament.uk",
    ),
    "petitions": (
        "PETITIONS_URL",
        "https://petition.parliament.uk",
        "https://petition.parliament.uk",
    ),
}


def test_bills_committees_motions_and_petitions_are_declared_with_their_hosts():
    for name, (setting, default, public) in PARLIAMENT_BUSINESS.items():
        source = source_named(name)
        assert (source.base_url_setting, source.official_base_url, source.public_site) == (
            setting,
            default,
            public,
        )
    assert source_named("committees").reads_items_of == ("legislation", "bills")
    assert source_named("motions").reads_items_of == ("legislation",)


def test_their_event_kinds_have_labels():
    labels = event_kind_labels()
    kinds = {
        "bill_stage",
        "bill_amendment",
        "bill_publication",
        "committee_report",
        "committee_evidence",
        "government_response",
        "edm_tabled",
        "petition_opened",
        "petition_response",
        "petition_debated",
    }
    assert kinds <= set(labels)
    assert all(labels[kind] for kind in kinds)


def test_every_base_url_can_be_set_from_the_environment_or_the_command_line():
    env = {**os.environ}
    env.update(
        {
            s.base_url_setting: f"http://env.test/{s.name}"
            for s in crawled_sources()
            if s.base_url_setting
        }
    )
    script = (
        "import json; from scrapy.utils.project import get_project_settings;"
        "from timeline_spiders.sources import crawled_sources;"
        "s = get_project_settings();"
        "print(json.dumps({x.name: s.get(x.base_url_setting) for x in crawled_sources()}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert json.loads(done.stdout) == {
        s.name: f"http://env.test/{s.name}" for s in crawled_sources()
    }
    command = [*SCRAPY, "settings", "-s", "PETITIONS_URL=http://cli.test", "--get", "PETITIONS_URL"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "http://cli.test"
