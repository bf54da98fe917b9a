"""`python -m bench.inspector` runs end to end at a tiny size and reports every page (no timing assertion:
the figures are measured by hand, README "Performance")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_inspector_bench_reports_every_page():
    run = subprocess.run(
        [sys.executable, "-m", "bench.inspector", "--records", "300", "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    rows = [line for line in run.stdout.splitlines() if line.startswith("| records") or line.startswith("| one")]
    assert len(rows) == 7 and "300 tasks" in run.stdout
