"""Fixtures of the inspector's tests: an HTTP client on `/_localspot/ui` of the session's server."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.server import LocalspotServer

UI = "/_localspot/ui"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>&amp;'


@pytest.fixture(scope="session")
def ui(server: LocalspotServer) -> Iterator[httpx.Client]:
    """The inspector as a same-origin browser form would call it (POSTs carry the page's Origin)."""
    headers = {"Origin": server.url}
    with httpx.Client(base_url=server.url + UI, headers=headers, timeout=30, follow_redirects=False) as client:
        yield client


def assert_escaped(html: str) -> None:
    """The hostile value is on the page only escaped: no tag of it survives."""
    assert "&lt;script&gt;alert(" in html
    assert "<script>alert(" not in html and "<img src=x" not in html
    assert "&amp;amp;" in html
