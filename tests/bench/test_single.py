"""bench/single.py runs end to end at a tiny size: every operation is answered by localspot (a failed call
raises), by the floor's constant server, and by the raw rows. No timing assertions."""

from __future__ import annotations

from pathlib import Path

from bench import single


def test_single_calls_have_their_floors(tmp_path: Path) -> None:
    results = single.measure(tmp_path, 30)
    assert set(results) == set(single.OPERATIONS)
    for figures in results.values():
        assert figures["localspot_us"] > 0 and figures["http_floor_us"] > 0 and figures["rows_us"] > 0
        assert figures["floor_us"] == figures["http_floor_us"] + figures["rows_us"]
        assert figures["answer_bytes"] > 100
    rows = single.rows_for_report(results)
    assert [name for name, _ in rows] == [f"single {op}: localspot vs floor" for op in single.OPERATIONS]
