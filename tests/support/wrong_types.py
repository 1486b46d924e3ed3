"""Bodies in a source's real shape with one field's type changed: what a changed API
sends. A parser must read each, or refuse it as MalformedResponse, and never crash."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

from timeline_spiders.parsers import MalformedResponse

#: What a field is changed to: text, a number, null, a list and an object.
REPLACEMENTS: tuple[Any, ...] = ("text", 7, None, ["text"], {"key": 1})


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    children = (
        list(value.items())
        if isinstance(value, dict)
        else list(enumerate(value))
        if isinstance(value, list)
        else []
    )
    for key, child in children:
        yield (*path, key)
        yield from _paths(child, (*path, key))


def type_changed(body: bytes) -> Iterator[tuple[str, bytes]]:
    """(what was changed, the changed body) for every field and every other type."""
    original = json.loads(body)
    for path in _paths(original):
        for replacement in REPLACEMENTS:
            data = copy.deepcopy(original)
            parent = data
            for key in path[:-1]:
                parent = parent[key]
            if _kind(parent[path[-1]]) == _kind(replacement):
                continue
            parent[path[-1]] = copy.deepcopy(replacement)
            yield f"{list(path)} = {replacement!r}", json.dumps(data).encode()


def crashes(parse: Callable[[bytes], object], body: bytes) -> list[str]:
    """How `parse` fails on the type-changed variants of `body` other than by refusing
    them as malformed (empty when it never does)."""
    found = []
    for change, variant in type_changed(body):
        try:
            parse(variant)
        except MalformedResponse:
            pass
        except Exception as error:  # any other exception is what this looks for
            found.append(f"{change}: {type(error).__name__}: {error}")
    return found
