"""Fixtures: a real localspot server per test worker, plain HTTP clients and HubSpot's Python client."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.support.server import LocalspotServer, Storage, backend_name, storage_or_skip

TOKEN = "test-token-all-scopes"


def _storage_or_skip(tmp_path_factory: pytest.TempPathFactory) -> Storage:
    return storage_or_skip(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalspotServer]:
    storage = _storage_or_skip(tmp_path_factory)
    running = LocalspotServer(storage, TOKEN).start()
    yield running
    running.stop()
    storage.drop()


@pytest.fixture
def fresh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., LocalspotServer]]:
    """Servers of one test's own, on their own database (for restarts and special flags)."""
    started: list[tuple[LocalspotServer, Storage]] = []

    def start(*extra_args: str, storage: Storage | None = None, token: str = TOKEN) -> LocalspotServer:
        own = storage or _storage_or_skip(tmp_path_factory)
        running = LocalspotServer(own, token, extra_args=list(extra_args)).start()
        started.append((running, own))
        return running

    yield start
    for running, _ in started:
        running.stop()
    for storage in {id(s): s for _, s in started}.values():
        storage.drop()


@pytest.fixture(scope="session")
def base_url(server: LocalspotServer) -> str:
    return server.url


def make_client(base_url: str, token: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=base_url, headers=headers, timeout=30)


@pytest.fixture(scope="session")
def api(base_url: str) -> Iterator[httpx.Client]:
    with make_client(base_url, TOKEN) as client:
        yield client


@pytest.fixture(scope="session")
def token_for(server: LocalspotServer) -> Callable[..., str]:
    """A new token with only the given scopes (comma-separated), optionally on another portal."""
    return server.create_token


@pytest.fixture(scope="session")
def other_portal_api(server: LocalspotServer, base_url: str) -> Iterator[httpx.Client]:
    with make_client(base_url, server.create_token("*", portal_id=2)) as client:
        yield client


@pytest.fixture(scope="session")
def hubspot_client(base_url: str):
    from hubspot import HubSpot
    from urllib3.util.retry import Retry

    return HubSpot(access_token=TOKEN, host=base_url, base_url=base_url, retry=Retry(total=0))


@pytest.fixture
def unique() -> str:
    """A short value no other test uses: for emails and unique properties."""
    return uuid.uuid4().hex[:12]


def pytest_report_header(config: pytest.Config) -> str:
    return f"localspot backend: {backend_name()}"


@pytest.fixture(scope="session")
def admin(base_url: str) -> Iterator[httpx.Client]:
    """The admin API (`/_localspot/`), open without a token while the server listens on loopback."""
    with httpx.Client(base_url=f"{base_url}/_localspot", timeout=30) as client:
        yield client


@pytest.fixture
def new_portal(admin: httpx.Client, base_url: str) -> Iterator[Callable[..., tuple[int, httpx.Client]]]:
    """Portals of one test's own, on ids no other test uses, deleted afterwards: (portal id, API client)."""
    made: list[tuple[int, httpx.Client]] = []

    def make(**body: object) -> tuple[int, httpx.Client]:
        portal_id = int(uuid.uuid4().int % 10**12) + 10**9
        created = admin.post("/portals", json={"portalId": portal_id, **body})
        assert created.status_code == 201, created.text
        client = make_client(base_url, created.json()["token"])
        made.append((portal_id, client))
        return portal_id, client

    yield make
    for portal_id, client in made:
        client.close()
        admin.delete(f"/portals/{portal_id}")
