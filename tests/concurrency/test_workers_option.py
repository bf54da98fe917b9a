"""`localspot serve --workers N` on SQLite: refused for an in-memory database, allowed for a file (WAL, and
the writer queue of store/database.py, let the processes take turns writing)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import TOKEN, make_client
from tests.support.server import LocalspotServer, Storage, backend_name


def test_several_workers_over_an_in_memory_database_are_refused() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "localspot", "serve", "--workers", "2", "--db", ":memory:", "--port", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--workers 2 needs a database every process can open" in result.stderr
    assert "use --workers 1" in result.stderr


def test_workers_must_be_positive() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "localspot", "serve", "--workers", "0"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "--workers: must be at least 1, got 0" in result.stderr


@pytest.mark.skipif(backend_name() != "sqlite", reason="the SQLite pass covers SQLite files; PostgreSQL has its own")
def test_several_workers_over_an_sqlite_file_keep_every_record(tmp_path, unique: str) -> None:
    path = tmp_path / "shared.db"
    server = LocalspotServer(Storage(["--db", str(path)]), TOKEN, extra_args=["--workers", "2"]).start()
    try:

        def work(n: int) -> list[str]:
            ids = []
            with make_client(server.url, TOKEN) as http:
                for b in range(4):
                    inputs = [{"properties": {"email": f"{n}-{b}-{i}-{unique}@example.com"}} for i in range(25)]
                    response = http.post("/crm/v3/objects/contacts/batch/create", json={"inputs": inputs})
                    assert response.status_code == 201, response.text
                    ids.extend(r["id"] for r in response.json()["results"])
            return ids

        with ThreadPoolExecutor(6) as pool:
            ids = [int(i) for chunk in pool.map(work, range(6)) for i in chunk]
    finally:
        assert server.stop() == 0
    assert len(ids) == len(set(ids)) == 6 * 4 * 25
    with sqlite3.connect(path) as conn:
        stored = sorted(row[0] for row in conn.execute("SELECT id FROM records"))
    assert stored == sorted(ids)
