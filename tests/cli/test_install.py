"""What an install brings, and the fallbacks where POSIX-only pieces are missing: each forced by making the
module unimportable in the server's interpreter."""

from __future__ import annotations

import tomllib
from pathlib import Path

import httpx
import pytest

from localspot.kernel.storage import database, writer_queue
from tests.cli.support import CustomServer, run_localspot
from tests.conftest import TOKEN
from tests.support.server import storage_or_skip

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_an_sqlite_install_brings_neither_postgresql_nor_unused_uvicorn_extras():
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    names = [requirement.split(";")[0].split(">")[0].split("=")[0].strip() for requirement in project["dependencies"]]
    assert not [n for n in names if n.startswith("psycopg")]
    assert "uvicorn" in names and not [n for n in names if n.startswith("uvicorn[")]
    assert {"httptools", "uvloop"} <= set(names)
    extras = project["optional-dependencies"]
    assert any(r.startswith("psycopg[binary,pool]") for r in extras["postgres"])
    assert "localspot[postgres]" in extras["test"]


@pytest.mark.parametrize("missing", [("fcntl",), ("uvloop",), ("fcntl", "uvloop", "resource")])
def test_the_server_runs_without_posix_only_modules(tmp_path_factory, missing):
    storage = storage_or_skip(tmp_path_factory.mktemp("db"))
    server = CustomServer(storage, TOKEN, without=missing)
    try:
        server.start()
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
            created = client.post("/crm/v3/objects/contacts", json={"properties": {"email": "nofcntl@example.com"}})
            assert created.status_code == 201, created.text
            read = client.get(f"/crm/v3/objects/contacts/{created.json()['id']}")
            assert read.json()["properties"]["email"] == "nofcntl@example.com"
        # and the command line works without them too
        assert run_localspot("token", "create", "--scopes", "*", *storage.args, without=missing).returncode == 0
    finally:
        server.stop()
        storage.drop()


def test_without_fcntl_the_writer_queue_lets_each_writer_through(tmp_path, monkeypatch):
    monkeypatch.setattr(writer_queue, "fcntl", None)
    db = database.SqliteDatabase(str(tmp_path / "x.db"))
    try:
        with db.session(write=True) as session:
            session.execute("CREATE TABLE t (v INTEGER)")
            session.execute("INSERT INTO t VALUES (1)")
        with db.session(write=False) as session:
            assert session.fetchall("SELECT v FROM t") == [(1,)]
        with db._writer_queue.turn(wait=False) as free:
            assert free
    finally:
        db.close()
