"""The command line as a user meets it: --version, --help with defaults, every serve flag from the
environment, --port 0 with the banner and --port-file, and bad input ending in one line and exit 2."""

from __future__ import annotations

import argparse
import hashlib
import re
import socket
import sqlite3
import subprocess
from pathlib import Path

import pytest

from localspot import __version__
from localspot.cli import build_parser, environment_name
from tests.cli.support import CustomServer, localspot_command, run_localspot, wait_for_file
from tests.conftest import TOKEN
from tests.support.server import storage_or_skip


def _serve_parser() -> argparse.ArgumentParser:
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return commands.choices["serve"]


def _serve_options() -> list[argparse.Action]:
    return [a for a in _serve_parser()._actions if a.option_strings and a.dest != "help"]


def test_version_prints_the_package_version():
    done = run_localspot("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"localspot {__version__}")


def test_serve_help_shows_each_default_and_environment_variable():
    done = run_localspot("serve", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    for action in _serve_options():
        env = environment_name(action.option_strings[0])
        assert f"env {env}" in text
        if action.default is not None and action.default is not False:
            assert f"env {env}; default {action.default}" in text


def _value_for(action: argparse.Action) -> tuple[str, object]:
    if isinstance(action, argparse._StoreTrueAction):
        return "true", True
    if action.choices:
        choice = list(action.choices)[-1]
        return str(choice), choice
    if action.type is None:
        return "from-the-environment", "from-the-environment"
    if action.dest in ("keep_alive_timeout", "request_timeout"):
        return "2.5", 2.5
    return "7", 7


@pytest.mark.parametrize("flag", [a.option_strings[0] for a in _serve_options()])
def test_every_serve_flag_can_come_from_the_environment(flag, monkeypatch):
    action = next(a for a in _serve_options() if a.option_strings[0] == flag)
    raw, expected = _value_for(action)
    monkeypatch.setenv(environment_name(flag), raw)
    assert getattr(build_parser().parse_args(["serve"]), action.dest) == expected
    if action.type is not None and not action.choices:
        # the command line wins over the environment
        assert getattr(build_parser().parse_args(["serve", flag, "3"]), action.dest) == 3


def test_port_zero_binds_a_free_port_and_the_banner_and_port_file_name_it(tmp_path, tmp_path_factory):
    port_file = tmp_path / "port"
    storage = storage_or_skip(tmp_path_factory.mktemp("db"))
    process = subprocess.Popen(
        localspot_command("serve", "--port", "0", "--port-file", str(port_file), "--token", TOKEN, *storage.args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(wait_for_file(port_file))
        assert port > 0
        url = f"http://127.0.0.1:{port}"
        banner = [process.stdout.readline() for _ in range(4)]
        assert banner[0].startswith(f"localspot {__version__} serving {url} (")
        assert banner[1].split() == ["portal", "1"]
        assert banner[2].split() == ["token", TOKEN]
        assert banner[3].split() == ["admin", f"{url}/_localspot/"]
        import httpx

        assert httpx.get(f"{url}/_localspot/health", timeout=10).status_code == 200
    finally:
        process.terminate()
        assert process.wait(timeout=15) == 0
        storage.drop()
    assert not port_file.exists()  # removed at shutdown: no stale port for the next script


def test_port_zero_with_several_workers_serves_on_the_port_bound_by_the_parent(tmp_path, tmp_path_factory):
    port_file = tmp_path / "port"
    storage = storage_or_skip(tmp_path_factory.mktemp("db"))
    server = CustomServer(storage, TOKEN, extra_args=["--workers", "2", "--port-file", str(port_file)])
    server.port = 0
    try:
        server.launch()
        server.port = int(wait_for_file(port_file))
        server.wait_ready()
        import httpx

        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
            created = client.post("/crm/v3/objects/contacts", json={"properties": {"email": "w@example.com"}})
            assert created.status_code == 201
            assert client.get(f"/crm/v3/objects/contacts/{created.json()['id']}").status_code == 200
    finally:
        server.stop()
        storage.drop()


# --- bad input: one line on stderr, exit status 2, no traceback, nothing written ---------------------------


def _assert_refused(done: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for text in expected:
        assert text in lines[0]


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_port_out_of_range_is_refused():
    _assert_refused(run_localspot("serve", "--port", "70000"), "--port", "0-65535")
    _assert_refused(run_localspot("serve", "--port", "-1"), "--port")
    _assert_refused(run_localspot("serve", env={"LOCALSPOT_PORT": "http"}), "LOCALSPOT_PORT")


def test_a_bad_journal_size_or_rate_limit_tier_is_refused():
    _assert_refused(run_localspot("serve", "--journal-size", "-1"), "--journal-size")
    _assert_refused(run_localspot("serve", "--journal-size", "2000000"), "--journal-size", "at most 1000000")
    _assert_refused(run_localspot("serve", "--rate-limits", "platinum"), "--rate-limits", "professional")
    _assert_refused(run_localspot("serve", env={"LOCALSPOT_RATE_LIMITS": "gold"}), "LOCALSPOT_RATE_LIMITS")


def test_a_bad_webhook_retry_scale_is_refused():
    _assert_refused(run_localspot("serve", "--webhook-retry-scale", "fast"), "--webhook-retry-scale", "not a number")
    _assert_refused(run_localspot("serve", "--webhook-retry-scale", "-1"), "--webhook-retry-scale", "0 to 1000")


def test_a_port_in_use_is_refused(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_localspot("serve", "--port", str(port), "--db", str(tmp_path / "x.db"))
    _assert_refused(done, f"cannot listen on 127.0.0.1:{port}")


def test_a_directory_that_does_not_exist_is_refused(tmp_path):
    _assert_refused(run_localspot("serve", "--db", str(tmp_path / "nope" / "x.db")), "does not exist")
    _assert_refused(run_localspot("serve", "--db", str(tmp_path)), "is a directory")
    port_file = str(tmp_path / "nope" / "port")
    _assert_refused(run_localspot("serve", "--db", ":memory:", "--port-file", port_file), "does not exist")
    assert not (tmp_path / "nope").exists()


def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n")
    before = _digest(path)
    _assert_refused(run_localspot("serve", "--db", str(path)), "not a localspot database")
    _assert_refused(run_localspot("token", "create", "--scopes", "*", "--db", str(path)), "not a localspot database")
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_an_unreadable_database_file_is_refused(tmp_path):
    import os

    if os.geteuid() == 0:
        pytest.skip("runs as root here, and root reads a file whatever its permissions")
    path = tmp_path / "locked.db"
    sqlite3.connect(path).close()
    path.chmod(0)
    _assert_refused(run_localspot("serve", "--db", str(path)), "permission denied")


def test_token_create_on_a_database_that_does_not_exist_is_refused_and_creates_nothing(tmp_path):
    path = tmp_path / "typo.db"
    _assert_refused(run_localspot("token", "create", "--scopes", "*", "--db", str(path)), "no database at")
    _assert_refused(run_localspot("owner", "create", "--email", "a@b.c", "--db", str(path)), "no database at")
    assert list(tmp_path.iterdir()) == []


def test_an_unreachable_postgresql_is_refused():
    url = "postgresql://postgres:secret@127.0.0.1:1/nothing"
    for command in (["serve"], ["token", "create", "--scopes", "*"], ["db", "upgrade"]):
        done = run_localspot(*command, "--database-url", url)
        _assert_refused(done, "cannot reach PostgreSQL at postgresql://postgres:***@127.0.0.1:1/nothing")
        assert "secret" not in done.stderr


def test_postgresql_without_the_postgres_extra_is_refused():
    done = run_localspot("serve", "--database-url", "postgresql://postgres@127.0.0.1/x", without=("psycopg",))
    _assert_refused(done, "pip install 'localspot[postgres]'")


def _written_by_a_newer_localspot(storage) -> None:
    """A database migrated by this localspot, then marked with a revision only a newer one would have."""
    assert run_localspot("db", "upgrade", *storage.args).returncode == 0
    statement = "INSERT INTO alembic_version (version_num) VALUES ('f00000000001')"
    if storage.database_url:
        import psycopg

        with psycopg.connect(storage.database_url, autocommit=True) as conn:
            conn.execute(statement)
    else:
        with sqlite3.connect(storage.args[1]) as conn:
            conn.execute(statement)
        conn.close()


def test_a_database_written_by_a_newer_localspot_is_refused_and_left_untouched(tmp_path_factory):
    storage = storage_or_skip(tmp_path_factory.mktemp("db"))
    sqlite_file = None if storage.database_url else Path(storage.args[1])
    try:
        _written_by_a_newer_localspot(storage)
        before = _digest(sqlite_file) if sqlite_file else None
        for command in (["serve"], ["token", "create", "--scopes", "*"], ["db", "upgrade"]):
            done = run_localspot(*command, *storage.args)
            _assert_refused(done, "written by a newer localspot", "f00000000001", "upgrade localspot")
        if sqlite_file:
            assert _digest(sqlite_file) == before
        else:
            import psycopg

            with psycopg.connect(storage.database_url) as conn:
                versions = {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
                assert "f00000000001" in versions
                assert conn.execute("SELECT count(*) FROM tokens").fetchone() == (0,)
    finally:
        storage.drop()


def test_the_command_line_error_is_one_line_not_the_usage():
    done = run_localspot("serve", "--workers", "0")
    _assert_refused(done, "--workers", "must be at least 1")
    assert re.match(r"^localspot serve: error: ", done.stderr)
