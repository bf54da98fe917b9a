"""`localspot export|import|portal` against a running server and a database file, `serve --seed` and
`--export-on-exit`: output, exit status 2 with one line for bad input."""

from __future__ import annotations

import json
import signal
import subprocess

import httpx

from tests.cli.support import localspot_command, run_localspot, wait_for_file
from tests.support.server import storage_or_skip

SEED = {
    "contacts": [{"ref": "a", "properties": {"email": "cli-a@example.com"}}],
    "companies": [{"properties": {"name": "Cli"}, "associations": [{"to": "a"}]}],
}


def _refused(done, text):
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and text in done.stderr, done.stderr


def test_portal_commands_over_the_admin_api(server, tmp_path):
    url = ("--url", server.url)
    created = run_localspot("portal", "create", "--portal-id", "424242001", "--name", "cli", *url)
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["portalId"] == 424242001
    listed = run_localspot("portal", "list", env={"LOCALSPOT_URL": server.url})
    assert 424242001 in [json.loads(line)["portalId"] for line in listed.stdout.splitlines()]
    assert run_localspot("portal", "reset", "--portal-id", "424242001", *url).returncode == 0
    assert run_localspot("portal", "delete", "--portal-id", "424242001", *url).returncode == 0
    _refused(run_localspot("portal", "delete", "--portal-id", "424242001", *url), "404 Portal 424242001 does not exist")
    _refused(run_localspot("portal", "list", "--url", "http://127.0.0.1:1"), "cannot reach")
    _refused(run_localspot("portal", "list", "--url", "nope"), "expected http://host:port")


def test_export_then_import_over_http_and_merge(server, admin, new_portal, tmp_path):
    source, _ = new_portal()
    assert admin.post(f"/portals/{source}/seed", json=SEED).status_code == 201
    out = tmp_path / "export.json"
    done = run_localspot("export", "--portal-id", str(source), "-o", str(out), "--url", server.url)
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text())
    assert document["portalId"] == source and len(document["records"]["contacts"]) == 1
    target, _ = new_portal()
    _refused(run_localspot("import", str(out), "--portal-id", str(target), "--url", server.url), "409")
    merged = run_localspot("import", str(out), "--portal-id", str(target), "--mode", "merge", "--url", server.url)
    assert merged.returncode == 0, merged.stderr
    assert merged.stdout.strip() == f"localspot: imported 1 contacts, 1 companies into portal {target}"
    assert "Importing" not in merged.stdout and "Uploading" not in merged.stdout  # no progress bar off a tty
    assert admin.get(f"/portals/{target}").json()["recordCounts"] == {"contacts": 1, "companies": 1}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "localspot-portal", "version": 1, "records": {"contacts": [{"id": "x"}]}}))
    _refused(run_localspot("import", str(bad), "--portal-id", str(target), "--url", server.url), "records.contacts[0]")
    _refused(run_localspot("import", str(tmp_path / "none.json"), "--url", server.url), "no such file")


def test_export_and_import_on_a_database_file(server, admin, new_portal, tmp_path, tmp_path_factory):
    source, _ = new_portal()
    assert admin.post(f"/portals/{source}/seed", json=SEED).status_code == 201
    document = admin.get(f"/portals/{source}/export").json()
    out = tmp_path / "e.json"
    out.write_text(json.dumps(document))
    storage = storage_or_skip(tmp_path_factory.mktemp("db"))
    try:
        assert run_localspot("db", "upgrade", *storage.args).returncode == 0
        _refused(run_localspot("export", *storage.args), "Portal 1 does not exist")
        imported = run_localspot("import", str(out), *storage.args)  # into the portal the document names
        assert imported.returncode == 0, imported.stderr
        assert imported.stdout.strip() == f"localspot: imported 1 contacts, 1 companies into portal {source}"
        again = run_localspot("export", "--portal-id", str(source), *storage.args)
        assert again.returncode == 0, again.stderr
        stable = {k: v for k, v in json.loads(again.stdout).items() if k != "exportedAt"}
        assert stable == {k: v for k, v in document.items() if k != "exportedAt"}
    finally:
        storage.drop()


def test_serve_seeds_empty_portals_and_exports_the_default_portal_on_exit(tmp_path, tmp_path_factory):
    storage = storage_or_skip(tmp_path_factory.mktemp("db"))
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(SEED))
    port_file, on_exit = tmp_path / "port", tmp_path / "exit.json"
    command = ["serve", "--port", "0", "--port-file", str(port_file), "--seed", str(seed), *storage.args]
    try:
        for round_ in (1, 2):
            process = subprocess.Popen(
                localspot_command(*command, "--export-on-exit", str(on_exit)),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            try:
                port = int(wait_for_file(port_file))
                counts = httpx.get(f"http://127.0.0.1:{port}/_localspot/portals/1", timeout=10).json()["recordCounts"]
                assert counts == {"contacts": 1, "companies": 1}  # loaded once: the second start finds data
            finally:
                process.send_signal(signal.SIGTERM if round_ == 1 else signal.SIGINT)
                stdout, stderr = process.communicate(timeout=20)
            assert process.returncode == 0, stderr
            expected = "loaded into portal 1" if round_ == 1 else "skipped (portal 1 had data)"
            assert f"Seed:   {seed} {expected}" in stdout
            document = json.loads(on_exit.read_text())
            assert document["portalId"] == 1 and len(document["records"]["contacts"]) == 1
            on_exit.unlink()
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps({"contacts": [{"properties": {"nope": "x"}}]}))
        fresh = storage_or_skip(tmp_path_factory.mktemp("db3"))
        try:
            _refused(
                run_localspot("serve", "--port", "0", "--seed", str(bad), *fresh.args), "contacts[0].properties.nope"
            )
        finally:
            fresh.drop()
    finally:
        storage.drop()


def _big_document(count):
    return {
        "format": "localspot-portal",
        "version": 1,
        "portalId": 7,
        "records": {
            "contacts": [
                {"id": str(i), "createdAt": 1, "updatedAt": 1, "properties": {"firstname": f"n{i}"}}
                for i in range(1, count + 1)
            ]
        },
    }


def test_an_import_of_more_than_10000_records_shows_a_progress_bar_on_a_terminal_only(tmp_path, tmp_path_factory):
    import os
    import pty

    big = tmp_path / "big.json"
    big.write_text(json.dumps(_big_document(10_001)))
    for on_terminal in (False, True):
        storage = storage_or_skip(tmp_path_factory.mktemp("db"))
        try:
            if not on_terminal:
                done = run_localspot("import", str(big), *storage.args, timeout=120)
                assert done.returncode == 0, done.stderr
                assert done.stdout == "localspot: imported 10001 contacts into portal 7\n"
                continue
            leader, follower = pty.openpty()
            process = subprocess.Popen(
                localspot_command("import", str(big), *storage.args), stdout=follower, stderr=follower
            )
            os.close(follower)
            output = b""
            while True:
                try:
                    chunk = os.read(leader, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
            assert process.wait(timeout=120) == 0, output
            text = output.decode(errors="replace")
            assert "Importing" in text and "100%" in text, text
            assert "imported 10001 contacts into portal 7" in text
        finally:
            storage.drop()
