import json
from dataclasses import replace
from pathlib import Path

import pytest

from pipelines.curation import apply_curation, campaign_event_id
from pipelines.retag import retag_all
from pipelines.storage import TimelineStore
from pipelines.tagging import load_rules
from tests.support.database import new_database
from timeline_spiders.items import Document, Event, Tag

RULES = load_rules(Path(__file__).resolve().parents[2] / "data" / "campaigns.yml")
EVENTS_HEADER = "date,title,summary,url,campaigns\n"
LETTER = (
    '2016-10-03,Letter to the Secretary of State,"We asked for the nationality questions '
    'to be dropped (SI 2016/808).",https://example.org/letter,boycott-school-census\n'
)
CENSUS_DAY = "2017-01-19,Census day,,,boycott-school-census\n"
MEETING = "2017-02-01,Meeting with MPs,,,boycott-school-census\n"


@pytest.fixture
def db(tmp_path):
    db = new_database(tmp_path / "timeline.db")
    store = TimelineStore(db)
    store.save(
        Document(
            id="hansard:regret",
            source="hansard",
            doc_type="debate",
            title="Pupil Information Regulations: Motion to Regret",
            url="https://hansard.parliament.uk/x",
            body="Nationality and country of birth in the school census.",
            events=[Event("debate", "2016-10-31")],
            campaigns=[Tag("boycott-school-census", "rule")],
        )
    )
    yield db
    db.conn.close()


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def timeline(db) -> dict[str, dict]:
    cursor = db.execute("select * from timeline")
    names = [column[0] for column in cursor.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cursor}


def test_campaign_events_appear_on_the_timeline_with_their_campaigns(db, tmp_path):
    write(tmp_path, "campaign_events.csv", EVENTS_HEADER + LETTER)
    report = apply_curation(db, RULES, tmp_path)
    assert report.ok and report.loaded == {"campaign_events.csv": 1}
    event_id = (
        campaign_event_id("2016-10-03", "Letter to the Secretary of State") + ":campaign_event"
    )
    row = timeline(db)[event_id]
    assert (row["date"], row["kind"], row["source"]) == ("2016-10-03", "campaign_event", "campaign")
    assert json.loads(row["campaigns"]) == ["boycott-school-census"]
    assert json.loads(row["cites"]) == ["uksi/2016/808"]


def test_loading_the_same_file_twice_changes_nothing(db, tmp_path):
    write(tmp_path, "campaign_events.csv", EVENTS_HEADER + LETTER)
    apply_curation(db, RULES, tmp_path)
    before = timeline(db)
    apply_curation(db, RULES, tmp_path)
    assert timeline(db) == before


def test_a_row_taken_out_of_the_file_is_taken_off_the_timeline(db, tmp_path):
    write(tmp_path, "campaign_events.csv", EVENTS_HEADER + LETTER + CENSUS_DAY + MEETING)
    apply_curation(db, RULES, tmp_path)
    write(tmp_path, "campaign_events.csv", EVENTS_HEADER + LETTER + CENSUS_DAY)
    assert apply_curation(db, RULES, tmp_path).ok
    titles = {row["title"] for row in timeline(db).values() if row["source"] == "campaign"}
    assert titles == {"Letter to the Secretary of State", "Census day"}


def test_a_file_left_with_only_its_header_removes_nothing_unless_confirmed(db, tmp_path):
    """It once took every campaign event off the timeline while saying nothing."""
    write(tmp_path, "campaign_events.csv", EVENTS_HEADER + LETTER + CENSUS_DAY)
    apply_curation(db, RULES, tmp_path)
    before = timeline(db)
    write(tmp_path, "campaign_events.csv", EVENTS_HEADER)
    report = apply_curation(db, RULES, tmp_path)
    assert not report.ok and timeline(db) == before
    message = str(report.refused[0])
    assert "this would take 2 of the 2 rows it published off the timeline" in message
    assert "“Letter to the Secretary of State”" in message
    assert "scrapy curate --confirm-removals" in message
    assert apply_curation(db, RULES, tmp_path, confirm_removals=True).ok
    assert [row["source"] for row in timeline(db).values()] == ["hansard"]


def test_most_of_a_files_rows_are_not_removed_unless_confirmed(db, tmp_path):
    write(tmp_path, "campaign_events.csv", EVENTS_HEADER + LETTER + CENSUS_DAY + MEETING)
    apply_curation(db, RULES, tmp_path)
    write(tmp_path, "campaign_events.csv", EVENTS_HEADER + MEETING)
    report = apply_curation(db, RULES, tmp_path)
    assert "this would take 2 of the 3 rows" in str(report.refused[0])


def test_a_campaign_event_keeps_its_id_and_note_when_its_title_is_edited(db, tmp_path):
    """Editing a title once changed the event's id and deleted its note and override."""
    write(tmp_path, "campaign_events.csv", EVENTS_HEADER + LETTER + CENSUS_DAY)
    apply_curation(db, RULES, tmp_path)
    letter_id = campaign_event_id("2016-10-03", "Letter to the Secretary of State")
    write(tmp_path, "notes.csv", f"item_id,note,author\n{letter_id},Sent by post,Jen\n")
    write(
        tmp_path,
        "tag_overrides.csv",
        f"item_id,campaign,action,reason\n{letter_id},labels-last-a-lifetime,add,also AP\n",
    )
    apply_curation(db, RULES, tmp_path)
    edited = LETTER.replace("Letter to the Secretary of State", "Our letter to the Minister")
    write(tmp_path, "campaign_events.csv", EVENTS_HEADER + edited + CENSUS_DAY)
    report = apply_curation(db, RULES, tmp_path)
    assert report.ok, str(report)
    row = timeline(db)[f"{letter_id}:campaign_event"]
    assert row["title"] == "Our letter to the Minister"
    assert row["note"] == "Sent by post"
    assert json.loads(row["campaigns"]) == ["boycott-school-census", "labels-last-a-lifetime"]
    assert f"“Our letter to the Minister” is still {letter_id}" in str(report)
    moved = edited.replace("2016-10-03", "2016-10-04")
    write(tmp_path, "campaign_events.csv", EVENTS_HEADER + moved + CENSUS_DAY)
    assert apply_curation(db, RULES, tmp_path).ok
    assert timeline(db)[f"{letter_id}:campaign_event"]["date"] == "2016-10-04"


def test_an_explicit_id_column_names_events_for_good(db, tmp_path):
    header = "id,date,title,summary,url,campaigns\n"
    write(tmp_path, "campaign_events.csv", header + "campaign:our-letter," + LETTER)
    assert apply_curation(db, RULES, tmp_path).ok
    assert "campaign:our-letter:campaign_event" in timeline(db)
    write(tmp_path, "campaign_events.csv", header + "Our Letter!," + LETTER)
    report = apply_curation(db, RULES, tmp_path)
    assert "campaign_events.csv:2: id must be campaign: then" in str(report.refused[0])


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")]
)
def test_a_file_in_any_common_encoding_is_read(db, tmp_path, encoding, bom):
    """A CSV saved by Excel on Windows (cp1252) once gave a raw traceback."""
    text = EVENTS_HEADER + LETTER.replace("Letter to", "Letter (café £5 €3) to")
    (tmp_path / "campaign_events.csv").write_bytes(bom + text.encode(encoding))
    report = apply_curation(db, RULES, tmp_path)
    assert report.ok, str(report)
    titles = [row["title"] for row in timeline(db).values() if row["source"] == "campaign"]
    assert titles == ["Letter (café £5 €3) to the Secretary of State"]


def test_a_file_in_no_common_encoding_is_refused_with_its_line_and_the_rest_load(db, tmp_path):
    (tmp_path / "campaign_events.csv").write_bytes(
        (EVENTS_HEADER + LETTER).encode() + b"2016-10-05,Bad \x81 byte,,,boycott-school-census\n"
    )
    write(tmp_path, "notes.csv", "item_id,note,author\nhansard:regret,Watch this,Jen\n")
    report = apply_curation(db, RULES, tmp_path)
    assert "campaign_events.csv:3: byte 0x81 is not text in UTF-8 or Windows-1252" in str(
        report.refused[0]
    )
    assert report.loaded == {"notes.csv": 1}


def test_an_over_long_field_is_refused_with_its_line_and_the_rest_load(db, tmp_path):
    """A field over 128 KB once gave a raw traceback and stopped the night."""
    huge = "x" * 200_000
    write(tmp_path, "campaign_events.csv", EVENTS_HEADER + LETTER + f"2016-10-05,{huge},,,\n")
    write(tmp_path, "notes.csv", "item_id,note,author\nhansard:regret,Watch this,Jen\n")
    report = apply_curation(db, RULES, tmp_path)
    assert "campaign_events.csv:3: cannot read this line as CSV: field larger than" in str(
        report.refused[0]
    )
    assert report.loaded == {"notes.csv": 1}


def test_a_future_event_is_upcoming(db, tmp_path):
    write(
        tmp_path,
        "campaign_events.csv",
        EVENTS_HEADER + "2030-01-17,Census day,,,boycott-school-census\n",
    )
    apply_curation(db, RULES, tmp_path)
    (row,) = [row for row in timeline(db).values() if row["source"] == "campaign"]
    assert row["upcoming"] == 1


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        ("2016-13-45,Bad date,,,boycott-school-census\n", "bad date"),
        ("2016-10-03,Unknown campaign,,,boycott-census\n", "unknown campaign boycott-census"),
        (
            "2016-10-03,Too many values,a,b,boycott-school-census,extra\n",
            "expected 5 values, found 6",
        ),
        ("2016-10-03,Bad link,,javascript:alert(1),boycott-school-census\n", "url must start with"),
        (",No date,,,boycott-school-census\n", "missing date"),
    ],
)
def test_a_broken_events_file_is_refused_naming_the_line_and_nothing_changes(
    db, tmp_path, bad_row, reason
):
    write(tmp_path, "campaign_events.csv", EVENTS_HEADER + LETTER)
    apply_curation(db, RULES, tmp_path)
    before = timeline(db)
    write(tmp_path, "campaign_events.csv", EVENTS_HEADER + bad_row + LETTER)
    report = apply_curation(db, RULES, tmp_path)
    assert not report.ok
    message = str(report.refused[0])
    assert f"campaign_events.csv:2: {reason}" in message
    assert "refused, nothing from it was changed" in message
    assert timeline(db) == before


def test_every_mistake_in_a_file_is_listed(db, tmp_path):
    rows = "2016-13-45,One,,,boycott-school-census\n2016-10-03,Two,,,nope\n"
    write(tmp_path, "campaign_events.csv", EVENTS_HEADER + rows)
    (error,) = apply_curation(db, RULES, tmp_path).refused
    assert [
        problem.split(": ")[0][-len("campaign_events.csv:2") :] for problem in error.problems
    ] == [
        "campaign_events.csv:2",
        "campaign_events.csv:3",
    ]


def test_a_file_with_the_wrong_columns_is_refused_at_line_one(db, tmp_path):
    write(tmp_path, "notes.csv", "item,text\nhansard:regret,hello\n")
    (error,) = apply_curation(db, RULES, tmp_path).refused
    assert "notes.csv:1: the first line must name the columns item_id,note,author" in str(error)


def test_an_override_removes_a_rule_tag_and_survives_a_retag(db, tmp_path):
    write(
        tmp_path,
        "tag_overrides.csv",
        "item_id,campaign,action,reason\n"
        "hansard:regret,boycott-school-census,remove,Procedural only\n",
    )
    assert apply_curation(db, RULES, tmp_path).ok
    assert timeline(db)["hansard:regret:debate"]["campaigns"] == "[]"
    retag_all(db, RULES)
    assert timeline(db)["hansard:regret:debate"]["campaigns"] == "[]"


def test_an_override_adds_a_tag_with_its_reason(db, tmp_path):
    write(
        tmp_path,
        "tag_overrides.csv",
        "item_id,campaign,action,reason\n"
        "hansard:regret,labels-last-a-lifetime,add,AP census raised in this debate\n",
    )
    apply_curation(db, RULES, tmp_path)
    retag_all(db, RULES)
    assert json.loads(timeline(db)["hansard:regret:debate"]["campaigns"]) == [
        "boycott-school-census",
        "labels-last-a-lifetime",
    ]
    reasons = db.execute("select origin, reason from item_tags where origin = 'override'")
    assert reasons.fetchall() == [("override", "AP census raised in this debate")]


def test_taking_an_override_out_brings_the_rule_tag_back(db, tmp_path):
    header = "item_id,campaign,action,reason\n"
    write(tmp_path, "tag_overrides.csv", header + "hansard:regret,boycott-school-census,remove,x\n")
    apply_curation(db, RULES, tmp_path)
    write(tmp_path, "tag_overrides.csv", header)
    assert not apply_curation(db, RULES, tmp_path).ok  # all of it: confirm first
    assert apply_curation(db, RULES, tmp_path, confirm_removals=True).ok
    assert timeline(db)["hansard:regret:debate"]["campaigns"] == '["boycott-school-census"]'


def test_an_override_or_note_for_an_item_not_stored_yet_waits_for_it(db, tmp_path):
    write(
        tmp_path,
        "tag_overrides.csv",
        "item_id,campaign,action,reason\nhansard:later,boycott-school-census,add,x\n",
    )
    write(tmp_path, "notes.csv", "item_id,note,author\nhansard:later,Hello,Staff\n")
    report = apply_curation(db, RULES, tmp_path)
    assert report.ok
    assert [row.split(": ", 1)[1] for row in report.pending] == ["hansard:later"] * 2
    assert "Waiting for an item not stored yet" in str(report)

    TimelineStore(db).save(
        Document(
            id="hansard:later",
            source="hansard",
            doc_type="debate",
            title="Later debate",
            url="https://hansard.parliament.uk/later",
            events=[Event("debate", "2017-01-10")],
        )
    )
    assert not apply_curation(db, RULES, tmp_path).pending
    assert timeline(db)["hansard:later:debate"]["note"] == "Hello"


def test_an_item_id_that_names_no_source_is_refused(db, tmp_path):
    write(tmp_path, "notes.csv", "item_id,note,author\nhansrd:typo,Hello,Staff\n")
    (refused,) = apply_curation(db, RULES, tmp_path).refused
    assert "unknown item id 'hansrd:typo'" in str(refused)


def test_a_note_is_shown_next_to_its_item(db, tmp_path):
    write(
        tmp_path,
        "notes.csv",
        'item_id,note,author\nhansard:regret,"Watch from 19:02, not 18:00",Sam\n',
    )
    apply_curation(db, RULES, tmp_path)
    assert timeline(db)["hansard:regret:debate"]["note"] == "Watch from 19:02, not 18:00"


def test_the_example_files_in_data_load(tmp_path):
    db = new_database(tmp_path / "timeline.db")
    store = TimelineStore(db)
    store.save(
        Document(
            id="legislation:uksi/2016/808",
            source="legislation",
            doc_type="statutory_instrument",
            title="Regs",
            url="https://www.legislation.gov.uk/uksi/2016/808/made",
            events=[Event("si_made", "2016-07-18")],
        )
    )
    report = apply_curation(db, RULES, Path(__file__).resolve().parents[2] / "data")
    assert report.ok, str(report)
    assert report.loaded["campaign_events.csv"] >= 4


def test_the_nightly_retag_is_skipped_when_the_rules_have_not_changed(db):
    assert not retag_all(db, RULES, only_if_rules_changed=True).skipped
    assert retag_all(db, RULES, only_if_rules_changed=True).skipped
    assert not retag_all(db, RULES).skipped  # scrapy retag always re-tags
    changed = replace(RULES, campaigns=RULES.campaigns[:1])
    assert not retag_all(db, changed, only_if_rules_changed=True).skipped
