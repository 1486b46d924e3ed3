"""A missing, empty, corrupt or read-only database is an error with one clear sentence,
from every command that writes, and never a silent new, empty timeline."""

from pathlib import Path

import pytest

from pipelines.database import DatabaseUnusable, check_file
from tests.support.crawl import run_scrapy

NOWHERE = "http://127.0.0.1:9"


def empty_file(folder: Path) -> Path:
    path = folder / "timeline.db"
    path.write_bytes(b"")
    return path


def corrupt_file(folder: Path) -> Path:
    path = folder / "timeline.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    return path


def in_a_missing_folder(folder: Path) -> Path:
    return folder / "no-such-folder" / "timeline.db"


CASES = {
    "empty": (empty_file, "is empty (0 bytes), so it is not a timeline database"),
    "corrupt": (corrupt_file, "is not a readable SQLite database"),
    "missing folder": (in_a_missing_folder, "does not exist (check TIMELINE_DB)"),
}


@pytest.mark.parametrize("command", ["nightly", "curate", "retag"])
@pytest.mark.parametrize("case", ["empty", "corrupt"])
def test_a_broken_database_stops_the_command_with_one_sentence(tmp_path, command, case):
    make, says = CASES[case]
    db = make(tmp_path)
    before = db.read_bytes()
    result = run_scrapy(command, db=db, base_url=NOWHERE)
    assert result.returncode == 2, result.stdout + result.stderr
    assert says in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert db.read_bytes() == before  # never replaced by a new, empty timeline


def test_the_nightly_job_never_creates_a_folder_for_a_mistyped_path(tmp_path):
    db = in_a_missing_folder(tmp_path)
    result = run_scrapy("nightly", db=db, base_url=NOWHERE)
    assert result.returncode == 2
    assert CASES["missing folder"][1] in result.stdout
    assert not db.parent.exists()


@pytest.mark.parametrize("command", ["curate", "retag"])
def test_commands_that_only_update_never_create_a_database(tmp_path, command):
    db = tmp_path / "timeline.db"
    result = run_scrapy(command, db=db, base_url=NOWHERE)
    assert result.returncode == 2
    assert f"There is no timeline database at {db}" in result.stdout
    assert not db.exists()


def test_a_read_only_file_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    """Tests run as root, who may write anything: the permission check is what is tested."""
    db = tmp_path / "timeline.db"
    db.write_bytes(b"x")
    monkeypatch.setattr("pipelines.database.os.access", lambda path, mode: False)
    with pytest.raises(DatabaseUnusable, match="is read-only, so nothing can be stored in it"):
        check_file(db)
