"""Faults the tests plant inside a crawl."""

from __future__ import annotations

import json
import os
from typing import Any

from timeline_spiders import settings as project_settings
from timeline_spiders.items import Document

#: The id of the document the failing pipeline raises on (an environment variable, so a
#: crawl in a subprocess sees it).
FAIL_ON = "TEST_PIPELINE_FAILS_ON"


class FailingPipeline:
    """Raises on one document, as a pipeline with a bug would."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Document) and item.id == os.environ.get(FAIL_ON):
            raise RuntimeError(f"a bug in a pipeline, on {item.id}")
        return item


def pipelines_with_a_failing_one() -> str:
    """The project's ITEM_PIPELINES with the failing pipeline just before storage."""
    pipelines = {**project_settings.ITEM_PIPELINES, f"{__name__}.FailingPipeline": 800}
    return json.dumps(pipelines)
