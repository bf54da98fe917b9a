"""scripts/spec_coverage.py: the coverage table is made from the specs and the app's own routes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "spec_coverage.py"


def _spec(root: Path, folder: str, rollout: int, version: str, paths: dict) -> None:
    target = root / "PublicApiSpecs" / "CRM" / folder / "Rollouts" / str(rollout) / version
    target.mkdir(parents=True)
    (target / "spec.json").write_text(json.dumps({"paths": paths}))


def test_the_table_counts_served_operations_per_folder_and_family(tmp_path):
    _spec(
        tmp_path,
        "Contacts",
        424,
        "v3",
        {
            "/crm/v3/objects/contacts": {"get": {}, "post": {}},
            "/crm/v3/objects/contacts/{contactId}": {"get": {}, "put": {}},  # PUT: no such route
        },
    )
    _spec(tmp_path, "Contacts", 1, "v3", {"/crm/v3/objects/contacts/old": {"get": {}}})  # an older rollout
    _spec(tmp_path, "Widgets", 424, "2026-09", {"/crm/objects/2026-09/{objectType}": {"get": {}}})
    _spec(tmp_path, "Contacts", 424, "2026-09-beta", {"/crm/objects/2026-09-beta/contacts": {"get": {}}})
    done = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "| Contacts | 3/4 |  |  |  |" in lines
    assert "| Widgets |  |  |  | 0/1 |" in lines  # the catalogue has no widgets type: not served
    assert "  - `PUT /crm/v3/objects/contacts/{contactId}`" in lines
    assert "  - `GET /crm/objects/2026-09/{objectType}`" in lines
    assert not any("contacts/old" in line or "2026-09-beta/" in line for line in lines)


def test_without_a_path_it_says_how_to_run_it():
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "python scripts/spec_coverage.py PATH" in done.stderr
