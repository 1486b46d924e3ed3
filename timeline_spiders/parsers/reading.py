"""How every parser reads a body: JSON, XML and HTML fragments, and typed JSON fields.

Sources change without notice and CDNs answer with challenge pages, so nothing a body
says is trusted: a body that is not the format asked for, and a field of the wrong type,
both raise `MalformedResponse` naming what was wrong and where. The spider then retries
the request or reports the URL; a parser never crashes with a `TypeError` on a changed
API, and never stores a list read as a string ("L; a; i; d").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from bs4 import BeautifulSoup
from lxml import etree

from timeline_spiders.parsers import MalformedResponse

#: Elements that start a new line in plain text. Inline markup (`<strong>`) stays inside
#: its sentence, so a phrase split by formatting is still one phrase for search and tags.
BLOCK_TAGS = (
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul",
)  # fmt: skip
#: Elements whose text is never words anyone wrote or said.
INVISIBLE_TAGS = ("script", "style", "noscript", "template")


def _looks_like_html(head: bytes) -> bool:
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:200]


def load_json(body: bytes, what: str) -> Any:
    """Decode a JSON body, naming the usual failures: an empty body, an HTML page served
    with status 200 (a CDN "checking your browser" challenge), a cut-off transfer."""
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise MalformedResponse(f"{what}: empty body where JSON was expected")
    if head.startswith(b"<"):
        raise MalformedResponse(
            f"{what}: got an HTML or XML page (perhaps a CDN challenge), not JSON"
        )
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedResponse(f"{what}: not valid JSON (truncated?): {error}") from error


def load_json_record(body: bytes, what: str) -> Record:
    """A JSON body that must be an object, as a `Record`."""
    return Record(load_json(body, what), what)


def load_xml(body: bytes, what: str) -> etree._Element:
    """Parse an untrusted XML body: no entities, no network, every failure malformed."""
    if not body.strip():
        raise MalformedResponse(f"{what}: empty body where XML was expected")
    if _looks_like_html(body[:512]):
        raise MalformedResponse(f"{what}: got an HTML page (perhaps a CDN challenge), not XML")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        return etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as error:
        raise MalformedResponse(f"{what}: not well-formed XML (truncated?): {error}") from error


def html_to_text(html: str) -> str:
    """Plain text from an HTML fragment: one line per block, entities decoded, scripts and
    styles dropped (their text is not what the page says)."""
    if not html:
        return ""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(INVISIBLE_TAGS):
        tag.decompose()
    for tag in soup.find_all(BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().splitlines())
    return "\n".join(line for line in lines if line)


def snippet(text: str, limit: int) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters plus an
    ellipsis: a summary that reads as a sentence, not a hard cut mid-word."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + "\u2026"


def squash(text: str) -> str:
    """`text` with every run of whitespace made one space."""
    return " ".join(text.split())


class Record:
    """A JSON object from a source, read field by field as the type each field must have.

    A missing field or `null` reads as the empty value of its type (the APIs leave out or
    null what they do not know); a value of another type raises `MalformedResponse` with
    its path, such as `question.attachments[2].title: expected text, got a number`.
    """

    __slots__ = ("path", "values")

    def __init__(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise MalformedResponse(f"{path}: expected an object, got {_kind(value)}")
        self.values: dict[str, Any] = value
        self.path = path

    def __contains__(self, key: str) -> bool:
        return self.values.get(key) is not None

    def _get(self, key: str, expected: str, *types: type) -> Any:
        value = self.values.get(key)
        if value is None:
            return None
        if isinstance(value, bool) and bool not in types:
            raise MalformedResponse(f"{self.path}.{key}: expected {expected}, got true/false")
        if not isinstance(value, types):
            raise MalformedResponse(f"{self.path}.{key}: expected {expected}, got {_kind(value)}")
        return value

    def text(self, key: str) -> str:
        """A text field, stripped; "" when missing or null."""
        value = self._get(key, "text", str)
        return value.strip() if value is not None else ""

    def required_text(self, key: str) -> str:
        value = self.text(key)
        if not value:
            raise MalformedResponse(f"{self.path}.{key}: missing")
        return value

    def integer(self, key: str) -> int | None:
        return self._get(key, "a whole number", int)

    def required_integer(self, key: str) -> int:
        value = self.integer(key)
        if value is None:
            raise MalformedResponse(f"{self.path}.{key}: missing")
        return value

    def number(self, key: str) -> float | None:
        value = self._get(key, "a number", int, float)
        return float(value) if value is not None else None

    def boolean(self, key: str) -> bool | None:
        return self._get(key, "true or false", bool)

    def record(self, key: str) -> Record | None:
        """A nested object, or None when missing or null."""
        value = self._get(key, "an object", dict)
        return Record(value, f"{self.path}.{key}") if value is not None else None

    def required_record(self, key: str) -> Record:
        value = self.record(key)
        if value is None:
            raise MalformedResponse(f"{self.path}.{key}: missing")
        return value

    def array(self, key: str) -> list[Any]:
        """A list field of any values; [] when missing or null."""
        return self._get(key, "a list", list) or []

    def required_array(self, key: str) -> list[Any]:
        value = self._get(key, "a list", list)
        if value is None:
            raise MalformedResponse(f"{self.path}.{key}: missing")
        return value

    def records(self, key: str) -> list[Record]:
        """A list of objects; [] when missing or null."""
        return list(self._records(key, self.array(key)))

    def required_records(self, key: str) -> list[Record]:
        return list(self._records(key, self.required_array(key)))

    def texts(self, key: str) -> list[str]:
        """A list of text values, stripped, empty ones left out."""
        values = []
        for index, value in enumerate(self.array(key)):
            if value is None:
                continue
            if not isinstance(value, str):
                raise MalformedResponse(
                    f"{self.path}.{key}[{index}]: expected text, got {_kind(value)}"
                )
            if value.strip():
                values.append(value.strip())
        return values

    def _records(self, key: str, values: list[Any]) -> Iterator[Record]:
        for index, value in enumerate(values):
            yield Record(value, f"{self.path}.{key}[{index}]")


def records_of(value: Any, path: str) -> list[Record]:
    """A JSON list of objects (a bare-array body), each as a `Record`."""
    if not isinstance(value, list):
        raise MalformedResponse(f"{path}: expected a list, got {_kind(value)}")
    return [Record(item, f"{path}[{index}]") for index, item in enumerate(value)]


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
