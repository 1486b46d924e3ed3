"""One small published timeline shared by the site's tests (they only read it)."""

from pathlib import Path

import pytest

from tests.support.site import build_site_database


@pytest.fixture(scope="session")
def site_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site_database(tmp_path_factory.mktemp("site") / "timeline.db")
