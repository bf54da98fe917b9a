"""The benchmark suite runs end to end at tiny sizes and writes its tables. No timing assertions:
performance is measured by `python -m bench`, not by tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.server import BACKEND_ENV, DEFAULT_PG_ADMIN_URL, PG_ADMIN_URL_ENV

SCENARIOS = {
    "tasks batch create",
    "tasks single create",
    "calls batch update by id",
    "calls batch update by idProperty",
    "tasks batch read",
    "tasks list paging",
    "tasks search",
}


def test_suite_writes_every_scenario(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "bench", "--records", "200", "--contacts", "20", "--calls", "200"]
    command += ["--duration", "0.5", "--repeat", "2", "--results-dir", str(tmp_path)]
    if os.environ.get(BACKEND_ENV) == "postgres":
        command += ["--database-url", os.environ.get(PG_ADMIN_URL_ENV, DEFAULT_PG_ADMIN_URL)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr

    results = json.loads((tmp_path / "latest.json").read_text())
    assert {entry["name"] for entry in results["scenarios"]} == SCENARIOS
    for entry in results["scenarios"]:
        assert entry["status"] in ("ok", "skipped"), entry
        if entry["status"] == "ok" and "records_per_s" in entry:
            assert entry["records_per_s"] > 0 and entry["failed_requests"] == 0, entry
    assert results["figures"]["raw_ceiling_records_per_s"] > 0
    # One ceiling run before each batch create run: the bar compares figures measured side by side.
    batch_create = next(entry for entry in results["scenarios"] if entry["name"] == "tasks batch create")
    assert len(results["figures"]["raw_ceiling_runs"]) == len(batch_create["runs_records_per_s"]) == 2
    assert results["figures"]["cold_start_fresh_db_s"] > 0
    assert results["figures"]["after_reads_rss_mb"] > 0
    assert {bar["bar"] for bar in results["bars"]} >= {"tasks batch create", "tasks batch read"}

    table = (tmp_path / "latest.md").read_text()
    for name in [*SCENARIOS, "raw storage ceiling"]:
        assert any(f"| {name}{end}" in table for end in (" |", " (", ":")), name


def test_instruction_counts_need_valgrind_and_say_so(tmp_path: Path) -> None:
    # The counting itself takes minutes under valgrind: `python -m bench.instructions` is run by hand.
    environment = {**os.environ, "PATH": str(tmp_path)}  # no valgrind on this PATH
    run = subprocess.run(
        [sys.executable, "-m", "bench.instructions"], capture_output=True, text=True, timeout=60, env=environment
    )
    assert run.returncode == 2
    assert run.stderr == "bench.instructions needs valgrind (Debian: apt install valgrind)\n"
