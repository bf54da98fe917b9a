"""`--durability`: SQLite's `normal` (every acknowledged write survives kill -9; a power cut may lose the last
commits before a checkpoint) and `full` (each commit synced to disk before it returns)."""

from __future__ import annotations

import pytest

from localspot.kernel.storage import open_database
from tests.cli.support import run_localspot
from tests.conftest import make_client
from tests.support.server import backend_name

SYNCHRONOUS = {"normal": 1, "full": 2}


@pytest.mark.parametrize("durability", ["normal", "full"])
def test_sqlite_commits_as_the_durability_says(tmp_path, durability):
    database = open_database(None, str(tmp_path / "d.db"), durability=durability)
    try:
        assert database.raw_connection.execute("PRAGMA synchronous").fetchone()[0] == SYNCHRONOUS[durability]
    finally:
        database.close()


def test_the_default_is_normal(tmp_path):
    database = open_database(None, str(tmp_path / "d.db"))
    try:
        assert database.raw_connection.execute("PRAGMA synchronous").fetchone()[0] == SYNCHRONOUS["normal"]
    finally:
        database.close()


def test_a_server_with_full_durability_serves_and_keeps_its_writes(fresh_server):
    if backend_name() != "sqlite":
        pytest.skip("--durability is SQLite's; PostgreSQL commits as its server's synchronous_commit says")
    server = fresh_server("--durability", "full")
    with make_client(server.url, server.token) as api:
        created = api.post("/crm/v3/objects/contacts", json={"properties": {"email": "sync@example.com"}})
        assert created.status_code == 201
    server.stop()
    server.start()
    with make_client(server.url, server.token) as api:
        read = api.get(f"/crm/v3/objects/contacts/{created.json()['id']}")
        assert read.json()["properties"]["email"] == "sync@example.com"


def test_an_unknown_durability_is_refused_in_one_line():
    for done in (
        run_localspot("serve", "--durability", "sometimes"),
        run_localspot("serve", env={"LOCALSPOT_DURABILITY": "sometimes"}),
    ):
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert "sometimes" in done.stderr and len(done.stderr.strip().splitlines()) == 1
