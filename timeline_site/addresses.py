"""The site's public address, the one every absolute link is made from."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasette.app import Datasette

#: Where a site run on this machine is reached (bin/serve's default host and port).
LOCAL_URL = "http://127.0.0.1:8001"


def public_url(datasette: Datasette, path: str = "") -> str:
    """The absolute public address of `path` on this site (TIMELINE_PUBLIC_URL), never
    made from a request's Host header, which anyone can set."""
    config = datasette.plugin_config("timeline") or {}
    return f"{config.get('public_url', LOCAL_URL)}{path}"
