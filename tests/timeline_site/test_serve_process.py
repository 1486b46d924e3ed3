"""How `bin/serve` (timeline_site.serve) starts the site."""

import gc

import pytest

from timeline_site import serve


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()


def test_objects_made_at_start_up_are_kept_out_of_later_collections(site_db, monkeypatch, unfrozen):
    # A full garbage collection walks every object the process holds; after start-up
    # the server's own (modules, templates, rules) are frozen so that readers' requests
    # do not wait while they are walked again.
    served = []
    monkeypatch.setenv("TIMELINE_DB", str(site_db))
    monkeypatch.setattr(serve.uvicorn, "run", lambda app, **options: served.append(options))
    gc.unfreeze()
    assert serve.main() == 0
    assert served and served[0]["port"] == 8001
    assert gc.get_freeze_count() > 10_000
