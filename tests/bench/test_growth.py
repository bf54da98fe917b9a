"""bench/growth.py runs end to end at two tiny sizes over one growing file: every figure is there, the file
grows to each size, and the search totals it reads are the stored ones. No timing assertions."""

from __future__ import annotations

import json
from pathlib import Path

from bench import growth


def test_growth_measures_every_size_on_one_growing_file(tmp_path: Path, capsys) -> None:
    db_path = tmp_path / "growth.db"
    out = tmp_path / "growth.json"
    args = ["--sizes", "0,2000", "--db", str(db_path), "--iterations", "5", "--calls", "5", "--batches", "2"]
    assert growth.main([*args, "--json", str(out)]) == 0
    rows = json.loads(out.read_text())
    # Each size is measured after seeding; the measurement itself adds 5 single and 200 batch-created tasks.
    assert [row["tasks"] for row in rows] == [0, 2000]
    assert growth.stored_tasks(db_path) == 2000 + 205
    for row in rows:
        assert row["cold_start_s"] > 0 and row["rss_mb"] > 10
        assert row["batch_create"]["records_per_s_charged"] > 0
        assert set(row["single"]) == {"create", "get"}
        assert row["search_matches"] > 0
    assert capsys.readouterr().out.startswith("| tasks |")
