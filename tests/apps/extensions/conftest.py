from __future__ import annotations

import httpx
import pytest

from tests.apps.test_oauth import create_app


@pytest.fixture
def app(admin) -> dict:
    return create_app(admin)


@pytest.fixture
def dev(base_url: str, app: dict):
    """A client that sends the app's developer API key (`?hapikey=`) with each call."""
    with httpx.Client(base_url=base_url, params={"hapikey": app["developerApiKey"]}, timeout=30) as client:
        yield client
