"""The results table: ratios to the raw ceiling and to HubSpot, the bars, JSON and Markdown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench import single

# (what, scenario or figure, comparison, target)
BARS: list[tuple[str, str, str, str, float]] = [
    ("tasks batch create", "tasks batch create", "records_per_s", ">=", 12_500),
    ("tasks batch create vs raw ceiling", "tasks batch create", "vs_ceiling", ">=", 0.5),
    ("p99 of a 100-record batch create", "tasks batch create", "p99_ms", "<=", 50),
    ("calls batch update by id", "calls batch update by id", "records_per_s", ">=", 10_000),
    ("calls batch update by idProperty", "calls batch update by idProperty", "records_per_s", ">=", 10_000),
    ("tasks batch read", "tasks batch read", "records_per_s", ">=", 40_000),
    ("RSS with the big task set (after reads)", "", "after_reads_rss_mb", "<=", 250),
    ("cold start, fresh database", "", "cold_start_fresh_db_s", "<=", 1.5),
    ("cold start, big task set", "", "cold_start_with_records_s", "<=", 1.5),
]


def ratios(results: dict[str, Any], hubspot_records_per_s: float) -> dict[str, Any]:
    """Adds vs_ceiling / vs_hubspot to every write scenario; returns the reference figures."""
    ceiling = results["figures"].get("raw_ceiling_records_per_s")
    for entry in results["scenarios"]:
        rate = entry.get("records_per_s")
        if not entry.get("writes") or not rate:
            continue
        entry["vs_hubspot"] = rate / hubspot_records_per_s
        if ceiling:
            entry["vs_ceiling"] = rate / ceiling
    return {"raw_ceiling_records_per_s": ceiling, "hubspot_records_per_s": hubspot_records_per_s}


def bars(results: dict[str, Any]) -> list[dict[str, Any]]:
    by_name = {entry["name"]: entry for entry in results["scenarios"]}
    judged = []
    for label, scenario, key, comparison, target in BARS:
        source = by_name.get(scenario, {}) if scenario else results["figures"]
        value = source.get(key)
        verdict = None if value is None else (value >= target if comparison == ">=" else value <= target)
        judged.append({"bar": label, "target": f"{comparison} {target:g}", "measured": value, "met": verdict})
    return judged


def _number(value: Any, digits: int = 0) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and digits:
        return f"{value:,.{digits}f}"
    return f"{value:,.0f}" if isinstance(value, int | float) else str(value)


def _seconds(figures: dict[str, Any], key: str) -> str:
    return f"{_number(figures.get(key), 2)} s"


def _search_rows(entry: dict[str, Any]) -> list[str]:
    """bench/search.py measures each search kind serially (one connection): latency, not throughput."""
    rows = []
    for kind, figures in entry.items():
        if not isinstance(figures, dict) or "p50_ms" not in figures:
            continue
        cpu = figures.get("server_cpu_ms_per_request")
        note = f"serial, {figures.get('n', '?')} requests, median total {figures.get('median_total', '?')}"
        if cpu is not None:
            note += f", server CPU {cpu} ms/request"
        rows.append(
            f"| {entry['name']}: {kind} | | | | {_number(figures['p50_ms'], 1)} | {_number(figures['p99_ms'], 1)} "
            f"| | | | {note} |"
        )
    return rows


def _deferred_note(entry: dict[str, Any]) -> str:
    """What the rate includes past the measured window, per run: the first association read and the first
    search after it (the work the writes deferred), and the rate the window alone would show."""
    reads = entry.get("deferred_association_read_ms") or []
    searches = entry.get("deferred_search_ms") or []
    if len(reads) == len(searches) == len(entry["deferred_ms"]):
        runs = ", ".join(f"{r:,.0f}+{s:,.0f}" for r, s in zip(reads, searches, strict=True))
        note = f"incl. per run the first association read + first search after it ({runs} ms: deferred work)"
    else:
        note = f"incl. the first read after each run ({'/'.join(f'{ms:,.0f}' for ms in entry['deferred_ms'])} ms)"
    window = entry.get("window_records_per_s")
    if window:
        note += f"; {window:,.0f}/s within the window alone"
    return note


def markdown(results: dict[str, Any]) -> str:
    meta, figures = results["meta"], results["figures"]
    lines = [
        f"Backend **{meta['backend']}**, {meta['cpus']} CPUs, Python {meta['python']}, commit {meta['commit']}, "
        f"{meta['started_at']}; concurrency {meta['concurrency']}, {meta['repeat']} x {meta['duration_s']:g} s per "
        f"scenario (median shown); big task set {meta['records']:,}; load average before/after: "
        f"{meta['load_average_before']} / {meta['load_average_after']}.",
        "",
        f"Command: `{meta['command']}`",
        "",
        "| scenario | records/s | vs raw ceiling | vs HubSpot (1,900/s) | p50 ms | p99 ms | server CPU | "
        "server CPU µs/record | load-generator CPU | note |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    seeded = figures.get("seed_records", 0)
    ceiling = figures.get("raw_ceiling_records_per_s")
    if ceiling:
        lines.append(
            f"| raw storage ceiling (driver only) | {ceiling:,.0f} | 1.00 | {ceiling / 1900:.1f}x | | | | "
            f"{_number(figures.get('raw_ceiling_cpu_us_per_record'), 1)} | | |"
        )
    for entry in results["scenarios"]:
        if entry.get("by") == "bench/search.py":
            lines.extend(_search_rows(entry))
            continue
        if entry.get("status") == "skipped" or "records_per_s" not in entry:
            lines.append(f"| {entry['name']} | | | | | | | | | {entry.get('status')}: {entry.get('note', '')} |")
            continue
        vs_ceiling = f"{entry['vs_ceiling']:.2f}" if "vs_ceiling" in entry else ""
        vs_hubspot = f"{entry['vs_hubspot']:.1f}x" if "vs_hubspot" in entry else ""
        server_cpu = f"{entry['server_cpu_pct']:.0f}%" if entry.get("server_cpu_pct") is not None else ""
        client_cpu = f"{entry['client_cpu_pct']:.0f}%" if entry.get("client_cpu_pct") is not None else ""
        note = "" if entry.get("status") == "ok" else f"{entry.get('failed_requests')} failed requests"
        if entry.get("deferred_ms"):
            note = f"{note}; " if note else ""
            note += _deferred_note(entry)
        lines.append(
            f"| {entry['name']} | {entry['records_per_s']:,.0f} | {vs_ceiling} | {vs_hubspot} | "
            f"{_number(entry.get('p50_ms'), 1)} | {_number(entry.get('p99_ms'), 1)} | {server_cpu} | "
            f"{_number(entry.get('server_cpu_us_per_record'), 1)} | {client_cpu} | "
            f"{note} |"
        )
    lines += [
        "",
        "| figure | value |",
        "|---|---:|",
        f"| cold start, fresh database (start to first answer) | {_seconds(figures, 'cold_start_fresh_db_s')} |",
        f"| cold start, {seeded:,} tasks stored | {_seconds(figures, 'cold_start_with_records_s')} |",
        f"| bulk seeding {seeded:,} tasks (store path) | {_seconds(figures, 'seed_seconds')} |",
        "| a ceiling run's deferred work: settling associations, search catch-up (included in the ceiling; "
        f"SQLite) | {_number(figures.get('raw_ceiling_deferred_us_per_record'), 1)} µs/record |",
        f"| server RSS idle / after the read scenarios / peak | {_number(figures.get('idle_rss_mb'))} / "
        f"{_number(figures.get('after_reads_rss_mb'))} / {_number(figures.get('after_reads_peak_rss_mb'))} MB |",
        *(f"| {name} | {value} |" for name, value in single.rows_for_report(figures.get("single", {}))),
        "",
        "| bar | target | measured | met |",
        "|---|---:|---:|:---:|",
    ]
    for bar in results.get("bars", []):
        met = {True: "yes", False: "**no**", None: "-"}[bar["met"]]
        measured = bar["measured"]
        shown = _number(measured, 2) if isinstance(measured, float) and measured < 100 else _number(measured)
        lines.append(f"| {bar['bar']} | {bar['target']} | {shown} | {met} |")
    return "\n".join(lines) + "\n"


def write(results: dict[str, Any], directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    json_path, md_path = directory / "latest.json", directory / "latest.md"
    json_path.write_text(json.dumps(results, indent=2) + "\n")
    md_path.write_text(markdown(results))
    return json_path, md_path
