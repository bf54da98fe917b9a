"""`python -m bench`: start localspot on a fresh database, seed, drive each scenario from a separate load
generator process, measure the raw storage ceiling, memory and cold start, and write the results table."""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench import ceiling, report, seed, single, workloads
from bench.loadgen import percentile
from bench.server import TOKEN, Server, Storage

HUBSPOT_RECORDS_PER_S = 1_900  # 190 requests per 10 s x 100 records: HubSpot's batch create ceiling
RESULTS_DIR = Path(__file__).with_name("results")
DEFAULT_PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--database-url",
        nargs="?",
        const=DEFAULT_PG_ADMIN_URL,
        help="benchmark PostgreSQL: an admin URL; a fresh database is created on it and dropped after "
        f"(flag alone: {DEFAULT_PG_ADMIN_URL}). Default: SQLite in a temporary directory",
    )
    parser.add_argument("--duration", type=float, default=3.0, help="seconds measured per run (default 3)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario; the median is reported (default 3)")
    parser.add_argument("--concurrency", type=int, default=4, help="connections kept busy (default 4)")
    parser.add_argument("--records", type=int, default=1_000_000, help="size of the big task set (default 1M)")
    parser.add_argument("--contacts", type=int, default=1_000, help="contacts the created tasks associate to")
    parser.add_argument("--calls", type=int, default=10_000, help="calls the update scenarios cycle through")
    parser.add_argument("--only", help="comma-separated scenario names to run (default: all)")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="where latest.json/.md go")
    parser.add_argument(
        "--profile",
        type=Path,
        help="run the server under py-spy (pip install py-spy) and write collapsed stacks and a summary here",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (server logs, database)")
    args = parser.parse_args(argv)
    if args.records < 200 or args.contacts < 1 or args.calls < 100:
        parser.error("--records must be at least 200, --contacts at least 1, --calls at least 100")
    return args


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


class Suite:
    def __init__(self, args: argparse.Namespace, work_dir: Path) -> None:
        self.args = args
        self.work_dir = work_dir
        self.scenarios: list[dict[str, Any]] = []
        self.figures: dict[str, Any] = {}
        self.only = set(args.only.split(",")) if args.only else None
        self.contact_id = 0  # a seeded contact: the deferred work is timed by reading its associations

    def wanted(self, name: str) -> bool:
        return self.only is None or name in self.only

    def log(self, message: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)

    # --- one scenario -------------------------------------------------------------------------------

    def load(
        self,
        server: Server,
        name: str,
        requests: list[dict[str, Any]],
        *,
        writes: bool,
        search_type: str = "tasks",
        before_each_run: Callable[[], None] | None = None,
    ) -> None:
        if not self.wanted(name):
            return
        entry: dict[str, Any] = {"name": name, "writes": writes}
        self.scenarios.append(entry)
        probe = self._probe(server, requests[0])
        if probe["status"] in (404, 405):
            entry.update(
                status="skipped", note=f"not available: {probe['method']} {probe['path']} answered {probe['status']}"
            )
            self.log(f"{name}: {entry['note']}")
            return
        if probe["status"] >= 300:
            entry.update(status="failed", note=f"probe answered {probe['status']}: {probe['body'][:300]}")
            self.log(f"{name}: FAILED {entry['note']}")
            return
        per_request = probe["records"]
        runs = []
        for _ in range(self.args.repeat):
            if before_each_run is not None:
                before_each_run()
            run = self._run_generator(server, requests)
            # Work the server defers past the window is charged to it: the first association read (SQLite
            # settles the pending associations before it) and then the first search (which brings SQLite's
            # search keys and full-text index up to date) are timed and added to the window.
            run["deferred"] = deferred_work_s(server.url, self.contact_id, search_type) if writes else {}
            run["deferred_s"] = sum(run["deferred"].values())
            runs.append(run)
        rates = [r["ok"] * per_request / (r["elapsed_s"] + r["deferred_s"]) for r in runs]
        latencies = sorted(x for r in runs for x in r.pop("latencies_ms"))
        elapsed = sum(r["elapsed_s"] for r in runs)
        failures = sum(r["requests"] - r["ok"] for r in runs)
        entry.update(
            status="ok" if failures == 0 else "errors",
            records_per_request=per_request,
            records_per_s=statistics.median(rates),
            runs_records_per_s=[round(x) for x in rates],
            requests=sum(r["requests"] for r in runs),
            failed_requests=failures,
            p50_ms=percentile(latencies, 50),
            p99_ms=percentile(latencies, 99),
            max_ms=latencies[-1] if latencies else None,
            client_cpu_pct=100 * sum(r["client_cpu_s"] for r in runs) / elapsed,
            server_cpu_pct=(
                100 * sum(r["server_cpu_s"] for r in runs) / elapsed
                if all(r["server_cpu_s"] is not None for r in runs)
                else None
            ),
            server_cpu_us_per_record=(
                1e6 * sum(r["server_cpu_s"] for r in runs) / max(1, sum(r["ok"] for r in runs) * per_request)
                if all(r["server_cpu_s"] is not None for r in runs)
                else None
            ),
            sample_error=next((r["sample_error"] for r in runs if r["sample_error"]), None),
            deferred_ms=[round(1000 * r["deferred_s"], 1) for r in runs] if writes else None,
            deferred_association_read_ms=[round(1000 * r["deferred"]["association_read"], 1) for r in runs]
            if writes
            else None,
            deferred_search_ms=[round(1000 * r["deferred"]["search"], 1) for r in runs] if writes else None,
            window_records_per_s=statistics.median(r["ok"] * per_request / r["elapsed_s"] for r in runs),
            load_average=load_average(),
        )
        self.log(
            f"{name}: {entry['records_per_s']:,.0f} records/s (runs {entry['runs_records_per_s']}), "
            f"p50 {entry['p50_ms']:.1f} ms, p99 {entry['p99_ms']:.1f} ms, client CPU {entry['client_cpu_pct']:.0f}%, "
            f"server CPU {entry['server_cpu_pct'] or 0:.0f}%, failed {failures}"
        )

    def _probe(self, server: Server, request: dict[str, Any]) -> dict[str, Any]:
        body = request["body"].replace("__SEQ__", "0") if request["body"] else None
        response = httpx.request(
            request["method"],
            server.url + request["path"].replace("__SEQ__", "0"),
            content=body,
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
            timeout=60,
        )
        records = 1
        if response.status_code < 300:
            results = response.json().get("results")
            records = len(results) if isinstance(results, list) else 1
        return {
            "method": request["method"],
            "path": request["path"].split("?")[0],
            "status": response.status_code,
            "body": response.text,
            "records": records,
        }

    def _run_generator(self, server: Server, requests: list[dict[str, Any]]) -> dict[str, Any]:
        spec = {
            "host": "127.0.0.1",
            "port": server.port,
            "server_pid": server.pid,
            "token": TOKEN,
            "concurrency": self.args.concurrency,
            "duration": self.args.duration,
            "warmup": min(0.5, self.args.duration / 4),
            "requests": requests,
        }
        spec_path = self.work_dir / "loadgen-spec.json"
        spec_path.write_text(json.dumps(spec))
        out = subprocess.run(
            [sys.executable, "-m", "bench.loadgen", str(spec_path)], capture_output=True, text=True, check=False
        )
        if out.returncode != 0:
            raise RuntimeError(f"load generator failed:\n{out.stderr}")
        result = json.loads(out.stdout)
        result["ok"] = sum(n for status, n in result["statuses"].items() if status.startswith("2"))
        return result

    # --- the whole run ------------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        args = self.args
        started_at = datetime.now(UTC)
        load_before = load_average()
        storage = Storage.fresh(self.work_dir, args.database_url, "server")
        ceiling_storage = Storage.fresh(self.work_dir, args.database_url, "ceiling")
        profile_dir = args.profile
        if profile_dir is not None:
            profile_dir.mkdir(parents=True, exist_ok=True)
        server = Server(storage, profile_to=profile_dir / "writes.txt" if profile_dir else None)
        try:
            server.start()
            self.figures["cold_start_fresh_db_s"] = server.cold_start_s
            self.log(f"server up on {storage.database_url or storage.sqlite_path} in {server.cold_start_s:.2f} s")
            with seed.client(server.url) as api:
                contact_ids = seed.contacts(api, args.contacts)
                self.contact_id = contact_ids[0]
                deferred_work_s(server.url, self.contact_id)  # the seeded contacts' own, charged to no scenario
                self.log(f"seeded {len(contact_ids)} contacts")
                self.write_scenarios(server, api, contact_ids, ceiling_storage)
            server.stop()
            if profile_dir is not None:
                server.profile_to = profile_dir / "reads.txt"
            self.read_scenarios(server, storage)
            if not args.database_url:  # single calls against their floor (bench/single.py; SQLite rows)
                self.figures["single"] = single.measure(self.work_dir, 1000)
        finally:
            server.stop()
            storage.drop()
            ceiling_storage.drop()
        return {
            "meta": {
                "started_at": started_at.isoformat(timespec="seconds"),
                "backend": "postgresql" if args.database_url else "sqlite",
                "duration_s": args.duration,
                "repeat": args.repeat,
                "concurrency": args.concurrency,
                "records": args.records,
                "load_average_before": load_before,
                "load_average_after": load_average(),
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "machine": platform.machine(),
                "commit": git_commit(),
            },
            "figures": self.figures,
            "scenarios": self.scenarios,
        }

    def write_scenarios(
        self, server: Server, api: httpx.Client, contact_ids: list[int], ceiling_storage: Storage
    ) -> None:
        args = self.args
        # Each ceiling run goes just before a batch create run, so that the two figures the bar compares
        # are measured under the same conditions (disk and neighbours on a shared machine drift over minutes).
        ceiling_runs: list[dict[str, Any]] = []

        def measure_ceiling() -> None:
            ceiling_runs.append(
                ceiling.measure(ceiling_storage, args.duration, contact_ids, concurrency=args.concurrency)
            )

        if self.wanted("tasks batch create"):
            self.load(
                server,
                "tasks batch create",
                workloads.tasks_batch_create(contact_ids),
                writes=True,
                before_each_run=measure_ceiling,
            )
        if not ceiling_runs and self.wanted("raw storage ceiling"):
            for _ in range(args.repeat):
                measure_ceiling()
        if ceiling_runs:
            self.record_ceiling(ceiling_runs)
        self.load(server, "tasks single create", workloads.tasks_single_create(contact_ids), writes=True)
        if self.wanted("calls batch update by id") or self.wanted("calls batch update by idProperty"):
            call_ids, keys = seed.calls_with_keys(api, args.calls)
            deferred_work_s(server.url, self.contact_id, "calls")
            self.log(f"seeded {len(call_ids)} calls with unique {workloads.CALL_KEY}")
            self.load(
                server,
                "calls batch update by id",
                workloads.calls_update_by_id(call_ids),
                writes=True,
                search_type="calls",
            )
            self.load(
                server,
                "calls batch update by idProperty",
                workloads.calls_update_by_key(keys),
                writes=True,
                search_type="calls",
            )

    def record_ceiling(self, runs: list[dict[str, Any]]) -> None:
        rate = statistics.median(r["records_per_s"] for r in runs)
        self.figures["raw_ceiling_records_per_s"] = rate
        self.figures["raw_ceiling_runs"] = [round(r["records_per_s"]) for r in runs]
        self.figures["raw_ceiling_cpu_us_per_record"] = statistics.median(r["cpu_us_per_record"] for r in runs)
        deferred = statistics.median(r["deferred_us_per_record"] for r in runs)
        self.figures["raw_ceiling_deferred_us_per_record"] = deferred
        self.log(f"raw storage ceiling: {rate:,.0f} records/s ({self.figures['raw_ceiling_runs']})")

    def read_scenarios(self, server: Server, storage: Storage) -> None:
        args = self.args
        search_module = optional_search_module()
        if search_module is not None and hasattr(search_module, "seed") and storage.sqlite_path is not None:
            started = time.perf_counter()
            search_module.seed(str(storage.sqlite_path), args.records)
            seeded = {"count": args.records, "seconds": time.perf_counter() - started, "by": "bench/search.py"}
        else:
            seeded = seed.bulk_tasks(storage, args.records)
        self.figures["seed_records"] = seeded["count"]
        self.figures["seed_seconds"] = seeded["seconds"]
        self.log(f"bulk-seeded {seeded['count']:,} tasks in {seeded['seconds']:.1f} s")
        first_id, last_id = task_id_range(storage)
        server.start()
        self.figures["cold_start_with_records_s"] = server.cold_start_s
        self.figures.update({f"idle_{k}": v for k, v in server.memory_mb().items()})
        self.log(f"restarted on {seeded['count']:,} tasks in {server.cold_start_s:.2f} s; {server.memory_mb()}")
        self.load(server, "tasks batch read", workloads.tasks_batch_read(first_id, last_id), writes=False)
        self.load(server, "tasks list paging", workloads.tasks_list_pages(first_id, last_id), writes=False)
        self.search(server, search_module)
        self.figures.update({f"after_reads_{k}": v for k, v in server.memory_mb().items()})
        self.log(f"memory after the read scenarios: {server.memory_mb()}")

    def search(self, server: Server, search_module: Any) -> None:
        if not self.wanted("tasks search"):
            return
        if search_module is not None and hasattr(search_module, "measure"):
            try:
                wanted = {"server_pid": server.pid, "iterations": max(10, min(200, round(60 * self.args.duration)))}
                accepted = inspect.signature(search_module.measure).parameters
                options = {name: value for name, value in wanted.items() if name in accepted}
                measured = search_module.measure(server.url, TOKEN, **options)
            except Exception as exc:  # its endpoint may not be merged yet: fall back to the plain scenario
                self.log(f"bench/search.py measure() failed ({exc!r}); running the plain search scenario")
            else:
                self.scenarios.append({"name": "tasks search", "status": "ok", "by": "bench/search.py", **measured})
                self.log(f"tasks search (bench/search.py): {measured}")
                return
        self.load(server, "tasks search", workloads.tasks_search(), writes=False)


def deferred_work_s(base_url: str, contact_id: int, search_type: str = "tasks") -> dict[str, float]:
    """The deferred work a write run leaves, in seconds: the first association read after it, then the first
    search. On SQLite the first settles the pending associations and the second brings the search keys and
    the full-text index up to date (docs/performance.md, "What a tasks batch create writes"); on PostgreSQL
    both are plain reads."""
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    search = {
        "filterGroups": [{"filters": [{"propertyName": "hs_object_id", "operator": "EQ", "value": "1"}]}],
        "limit": 1,
    }
    timed: dict[str, float] = {}
    with httpx.Client(base_url=base_url, headers=headers, timeout=120) as api:
        for name, method, path, body in (
            ("association_read", "GET", f"/crm/v4/objects/contacts/{contact_id}/associations/tasks?limit=1", None),
            ("search", "POST", f"/crm/v3/objects/{search_type}/search", search),
        ):
            started = time.perf_counter()
            response = api.request(method, path, json=body)
            timed[name] = time.perf_counter() - started
            if response.status_code >= 300:
                raise RuntimeError(f"{method} {path} answered {response.status_code}: {response.text[:300]}")
    return timed


def optional_search_module() -> Any:
    try:
        from bench import search  # written alongside the search endpoint
    except ImportError:
        return None
    return search


def task_id_range(storage: Storage) -> tuple[int, int]:
    database = storage.open()
    try:
        with database.session(write=False) as session:
            row = session.fetchone(
                "SELECT MIN(id), MAX(id) FROM records WHERE portal_id = ? AND object_type_id = ?", (1, "0-27")
            )
    finally:
        database.close()
    return int(row[0]), int(row[1])


def git_commit() -> str | None:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        changes = subprocess.run(["git", "status", "--porcelain", "localspot"], capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return head.stdout.strip() + ("+uncommitted changes" if changes.stdout.strip() else "")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="localspot-bench-"))
    try:
        results = Suite(args, work).run()
        results["meta"]["command"] = shlex.join(
            ["python", "-m", "bench", *(argv if argv is not None else sys.argv[1:])]
        )
        results["ratios"] = report.ratios(results, HUBSPOT_RECORDS_PER_S)
        results["bars"] = report.bars(results)
        paths = report.write(results, args.results_dir)
        print(Path(paths[1]).read_text())
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0
