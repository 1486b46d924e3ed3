"""YAML for a file staff edit by hand: every mapping remembers its line, and a key
written twice is a mistake (plain YAML would silently keep the second one)."""

from __future__ import annotations

from typing import Any

import yaml


class Located(dict):
    """A mapping read from the file, with the line it starts on (and each key's line)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    """A list read from the file, with the line it starts on."""

    line: int = 0


class DuplicateKey(yaml.MarkedYAMLError):
    """The same key twice in one mapping."""


class LineLoader(yaml.SafeLoader):
    """A safe YAML loader whose mappings and lists remember their lines."""


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> Located:
    mapping = Located()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise DuplicateKey(
                problem=f"'{key}' is written twice in the same mapping",
                problem_mark=key_node.start_mark,
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1
    return mapping


def _construct_list(loader: LineLoader, node: yaml.SequenceNode) -> LocatedList:
    values = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    values.line = node.start_mark.line + 1
    return values


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)


def line_of(node: Any) -> int:
    """The line a value read by LineLoader starts on, or 0 for a scalar."""
    return getattr(node, "line", 0)
