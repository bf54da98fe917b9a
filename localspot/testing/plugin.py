"""localspot's pytest plugin (the `pytest11` entry point `localspot`): a server per test session, a fresh
portal per test, HubSpot's clients configured for it, and markers that seed it or turn on its rate limits.

    def test_contacts(hubspot_client):
        hubspot_client.crm.contacts.basic_api.create(...)

`--localspot-url URL` (or LOCALSPOT_URL) points every fixture at a server already running instead,
`--localspot-admin-token` (LOCALSPOT_ADMIN_TOKEN) gives its admin token. Nothing is imported until a
fixture asks for it: the plugin loads in every pytest run where localspot is installed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from localspot.testing.admin import AdminClient, Portal

URL_ENV = "LOCALSPOT_URL"
ADMIN_TOKEN_ENV = "LOCALSPOT_ADMIN_TOKEN"
SEED_MARKER = "hubspot_seed"
RATE_LIMITS_MARKER = "hubspot_rate_limits"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("localspot", "localspot (a HubSpot API emulator)")
    group.addoption(
        "--localspot-url",
        default=None,
        help=f"use the localspot server at this URL instead of starting one in the test process (env {URL_ENV})",
    )
    group.addoption(
        "--localspot-admin-token",
        default=None,
        help=f"the admin token of the server --localspot-url names (env {ADMIN_TOKEN_ENV})",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{SEED_MARKER}(*files): load these seed files (JSON, relative to the test file) into the test's "
        "hubspot_portal before the test",
    )
    config.addinivalue_line(
        "markers",
        f"{RATE_LIMITS_MARKER}(tier): turn on HubSpot's rate limits of this tier (free, starter, professional, "
        "enterprise) for the test's hubspot_portal",
    )


class ExternalServer:
    """A localspot server the run did not start (`--localspot-url`): the same face as LocalspotServer."""

    def __init__(self, url: str, admin_token: str | None) -> None:
        from localspot.testing.admin import AdminClient

        self.url = url.rstrip("/")
        self.token: str | None = None  # the default portal's token is not known from outside
        self.admin: AdminClient = AdminClient(self.url, admin_token)

    def new_portal(self, scopes: list[str] | None = None, *, name: str | None = None) -> Portal:
        from localspot.testing.admin import Portal

        return Portal.create(self.admin, scopes=scopes, name=name)

    def stop(self) -> None:
        self.admin.close()


def _option(config: pytest.Config, name: str, env: str) -> str | None:
    return config.getoption(name) or os.environ.get(env) or None


@pytest.fixture(scope="session")
def localspot_server(pytestconfig: pytest.Config) -> Iterator[Any]:
    """A localspot server for the session (each xdist worker has its own): started in this process on a
    free port with an in-memory database, or the external one `--localspot-url` names."""
    url = _option(pytestconfig, "--localspot-url", URL_ENV)
    if url:
        external = ExternalServer(url, _option(pytestconfig, "--localspot-admin-token", ADMIN_TOKEN_ENV))
        yield external
        external.stop()
        return
    from localspot.testing.inprocess import LocalspotServer

    with LocalspotServer() as server:
        yield server


@pytest.fixture
def hubspot_portal(localspot_server: Any, request: pytest.FixtureRequest) -> Iterator[Portal]:
    """A new, empty portal for this test, deleted afterwards; seeded and rate-limited as its markers say."""
    portal = localspot_server.new_portal()
    try:
        marker = request.node.get_closest_marker(RATE_LIMITS_MARKER)
        if marker is not None:
            portal.set_rate_limits(_tier_of(marker))
        for marker in reversed(list(request.node.iter_markers(SEED_MARKER))):  # outermost (module) first
            for document in _seed_documents(marker, Path(str(request.path)).parent):
                portal.seed(document)
        yield portal
    finally:
        portal.delete()


def _tier_of(marker: pytest.Mark) -> str:
    tier = marker.args[0] if marker.args else marker.kwargs.get("tier")
    if not isinstance(tier, str):
        raise pytest.UsageError(f'@pytest.mark.{RATE_LIMITS_MARKER} needs a tier: {RATE_LIMITS_MARKER}("professional")')
    return tier


def _seed_documents(marker: pytest.Mark, here: Path) -> Iterator[dict[str, Any] | Path]:
    if not marker.args:
        raise pytest.UsageError(f'@pytest.mark.{SEED_MARKER} needs a file: {SEED_MARKER}("seed.json")')
    for argument in marker.args:
        if isinstance(argument, dict):
            yield argument
            continue
        path = Path(argument)
        path = path if path.is_absolute() else here / path
        if not path.is_file():
            raise pytest.UsageError(f"@pytest.mark.{SEED_MARKER}: no seed file at {path}")
        yield path


@pytest.fixture
def hubspot_client(hubspot_portal: Portal) -> Any:
    """HubSpot's official Python client (`hubspot-api-client`) for this test's portal."""
    try:
        from hubspot import HubSpot
    except ImportError:
        pytest.skip("hubspot_client needs HubSpot's Python client: pip install hubspot-api-client")
    return HubSpot(access_token=hubspot_portal.token, host=hubspot_portal.url)


@pytest.fixture
def hubspot_sdk(hubspot_portal: Portal) -> Iterator[Any]:
    """HubSpot's date-versioned Python SDK (`hubspot-sdk`) for this test's portal (no retries: a test sees
    each answer as the server gave it)."""
    try:
        from hubspot_sdk import HubSpot
    except ImportError:
        pytest.skip("hubspot_sdk needs HubSpot's SDK: pip install hubspot-sdk")
    client = HubSpot(access_token=hubspot_portal.token, base_url=hubspot_portal.url, max_retries=0)
    yield client
    client.close()


@pytest.fixture
def localspot_admin(localspot_server: Any) -> AdminClient:
    """The admin API of the session's server."""
    return localspot_server.admin
