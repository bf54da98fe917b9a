"""Migrations are all or nothing: a start killed while it migrates, or an upgrade that fails part-way,
leaves a database every later start can open and bring up to date."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import TOKEN, make_client
from tests.support.server import LocalspotServer, Storage, storage_or_skip

# Kills per run, spread over the window from the first touch of the database to serving. On this kind of
# machine the window is about 400 ms (importing Alembic, then 30-80 ms of DDL): about one kill in four lands
# inside the DDL. Before migrations were one transaction, 3 starts in 20 left a database no start could open.
KILLS = 12


def _database_touched(storage: Storage) -> Callable[[], bool]:
    """Whether a server process has opened its database yet: the SQLite file exists, or PostgreSQL shows a
    session on the test database."""
    if storage.database_url is None:
        path = Path(storage.args[1])
        return path.exists
    import psycopg

    name = storage.database_url.rpartition("/")[2]
    admin = psycopg.connect(storage.admin_url, autocommit=True)

    def touched() -> bool:
        return admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,)).fetchone()[0] > 0

    return touched


def _launch_until_touched(server: LocalspotServer, touched: Callable[[], bool]) -> float:
    """Launches the server and returns once it has opened its database (the time that took)."""
    started = time.perf_counter()
    server.launch()
    while not touched():
        assert server.process is not None and server.process.poll() is None, server.log_path.read_text()
        time.sleep(0.001)
    return time.perf_counter() - started


def _kill(server: LocalspotServer) -> None:
    assert server.process is not None
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    server.process = None


def _serves_a_write(server: LocalspotServer) -> None:
    with make_client(server.url, TOKEN) as client:
        response = client.post("/crm/v3/objects/contacts", json={"properties": {"firstname": "after a kill"}})
    assert response.status_code == 201, response.text


def test_a_first_start_killed_at_any_point_of_its_migrations_starts_again(tmp_path_factory) -> None:
    # Calibrate: how long a fresh start takes from opening its database to serving.
    calibration = storage_or_skip(tmp_path_factory.mktemp("db"))
    server = LocalspotServer(calibration, TOKEN)
    touched = _database_touched(calibration)
    _launch_until_touched(server, touched)
    opened = time.perf_counter()
    server.wait_ready()
    window = time.perf_counter() - opened
    server.stop()
    calibration.drop()

    for step in range(KILLS):
        storage = storage_or_skip(tmp_path_factory.mktemp("db"))
        server = LocalspotServer(storage, TOKEN)
        try:
            _launch_until_touched(server, _database_touched(storage))
            time.sleep(window * step / (KILLS - 1))
            _kill(server)
            server.start()  # raises with the server's log if this start fails
            _serves_a_write(server)
        finally:
            server.stop()
            storage.drop()


def _upgrade_to(storage: Storage, revision: str) -> None:
    """Migrates the test database to an older revision, as an older localspot left it."""
    from localspot.kernel.storage import open_database
    from localspot.kernel.storage.migrate import upgrade

    database = open_database(storage.database_url, storage.args[1])
    try:
        upgrade(database, revision)
    finally:
        database.close()


def _sql(storage: Storage, *statements: str) -> list[list[tuple]]:
    """Runs statements directly on the test database, bypassing localspot; returns each one's rows."""
    results: list[list[tuple]] = []
    if storage.database_url is None:
        import sqlite3

        conn = sqlite3.connect(storage.args[1], isolation_level=None)
        try:
            for statement in statements:
                results.append(conn.execute(statement).fetchall())
        finally:
            conn.close()
        return results
    import psycopg

    with psycopg.connect(storage.database_url, autocommit=True) as conn:
        for statement in statements:
            cursor = conn.execute(statement)
            results.append(cursor.fetchall() if cursor.description else [])
    return results


def _tables(storage: Storage) -> set[str]:
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'table'"
        if storage.database_url is None
        else "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    )
    return {row[0] for row in _sql(storage, query)[0]}


def test_a_failed_upgrade_leaves_the_previous_revision_intact(tmp_path_factory, fresh_server) -> None:
    storage = storage_or_skip(tmp_path_factory.mktemp("db"))
    _upgrade_to(storage, "0001")
    before = _tables(storage)
    # Revision 0007 creates `owners`; Alembic applies it after the pipelines, search and association
    # revisions, so an upgrade that fails there has already run several migrations' DDL.
    _sql(storage, "CREATE TABLE owners (blocking INTEGER)")

    failed = subprocess.run(
        [sys.executable, "-m", "localspot", "db", "upgrade", *storage.args],
        capture_output=True,
        text=True,
    )
    assert failed.returncode != 0
    assert _sql(storage, "SELECT version_num FROM alembic_version")[0] == [("0001",)]
    assert _tables(storage) == before | {"owners"}  # no table of the revisions applied before the failure

    _sql(storage, "DROP TABLE owners")
    server = fresh_server(storage=storage)
    _serves_a_write(server)
