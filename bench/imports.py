"""Imports and exports at size: one CSV of N contacts imported through `POST /crm/v3/imports` (timed from the
request to the state `DONE`), then the same contacts exported as CSV (timed from the export request to the
last byte of its file), with the server's peak memory (its resident set) for each.

    python -m bench.imports [--rows 100000] [--database-url postgresql://...]

The floor beside the import is the same contacts written by batch creates of 100 over HTTP from one client,
in the same run: the import's share of it says what reading the file and recording progress cost.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import httpx

from tests.support.server import LocalspotServer, Storage

TOKEN = "bench-token"
MAPPINGS = [
    {"columnObjectTypeId": "0-1", "columnName": "Email", "propertyName": "email", "columnType": "HUBSPOT_ALTERNATE_ID"},
    {"columnObjectTypeId": "0-1", "columnName": "First Name", "propertyName": "firstname"},
    {"columnObjectTypeId": "0-1", "columnName": "Last Name", "propertyName": "lastname"},
    {"columnObjectTypeId": "0-1", "columnName": "Stage", "propertyName": "lifecyclestage"},
]


def _csv(rows: int, tag: str) -> bytes:
    lines = ["Email,First Name,Last Name,Stage"]
    lines += [f"{tag}{n}@example.com,First{n},Last{n},lead" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(storage_args: list[str], rows: int) -> dict[str, float]:
    server = LocalspotServer(Storage(storage_args), TOKEN, extra_args=["--quiet", "--max-body-bytes", str(256 << 20)])
    server.start()
    assert server.process is not None
    try:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=600) as api:
            content = _csv(rows, "i")
            request = {
                "files": [{"fileName": "c.csv", "fileImportPage": {"hasHeader": True, "columnMappings": MAPPINGS}}]
            }
            started = time.perf_counter()
            answer = api.post(
                "/crm/v3/imports",
                data={"importRequest": json.dumps(request)},
                files={"files": ("c.csv", content, "text/csv")},
            )
            assert answer.status_code == 200, answer.text
            import_id = answer.json()["id"]
            while (body := api.get(f"/crm/v3/imports/{import_id}").json())["state"] != "DONE":
                assert body["state"] in ("STARTED", "PROCESSING"), body
                time.sleep(0.05)
            import_s = time.perf_counter() - started
            assert body["metadata"]["counters"]["CREATED_OBJECTS"] == rows, body
            import_rss = _peak_rss_mb(server.process.pid)

            started = time.perf_counter()
            for first in range(0, rows, 100):
                inputs = [
                    {
                        "properties": {
                            "email": f"b{n}@example.com",
                            "firstname": f"First{n}",
                            "lastname": f"Last{n}",
                            "lifecyclestage": "lead",
                        }
                    }
                    for n in range(first, min(first + 100, rows))
                ]
                assert api.post("/crm/v3/objects/contacts/batch/create", json={"inputs": inputs}).status_code == 201
            batch_s = time.perf_counter() - started

            started = time.perf_counter()
            export = api.post(
                "/crm/v3/exports/export/async",
                json={"format": "CSV", "objectType": "CONTACT", "objectProperties": ["email", "firstname", "lastname"]},
            ).json()
            link = api.get(f"/crm/v3/exports/export/async/tasks/{export['id']}/status").json()["result"]
            size = 0
            lines = 0
            with httpx.stream("GET", link, timeout=600) as download:
                for chunk in download.iter_bytes():
                    size += len(chunk)
                    lines += chunk.count(b"\n")
            export_s = time.perf_counter() - started
            assert lines == 2 * rows + 1, lines
            return {
                "rows": rows,
                "import_s": round(import_s, 2),
                "import_rows_per_s": round(rows / import_s),
                "batch_create_rows_per_s": round(rows / batch_s),
                "import_share_of_batch_create": round(batch_s / import_s, 3),
                "server_peak_rss_after_import_mb": round(import_rss, 1),
                "export_records": 2 * rows,
                "export_s": round(export_s, 2),
                "export_records_per_s": round(2 * rows / export_s),
                "export_mb": round(size / 1e6, 1),
                "server_peak_rss_after_export_mb": round(_peak_rss_mb(server.process.pid), 1),
            }
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work_dir:
        storage = ["--database-url", args.database_url] if args.database_url else ["--db", f"{work_dir}/imports.db"]
        print(json.dumps(measure(storage, args.rows), indent=2))


if __name__ == "__main__":
    main()
