"""The README works as written for a newcomer: its curl examples run in order, in one shell, against a fresh
server, and every one of them succeeds."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import httpx

README = Path(__file__).resolve().parents[2] / "README.md"
EXAMPLE_URL = "http://127.0.0.1:8080"
MARK = "=== localspot readme example ==="


def curl_examples() -> list[str]:
    """The ```sh blocks of README.md that call the API, in order."""
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(), flags=re.DOTALL)
    return [block for block in blocks if "curl " in block]


def test_the_readme_has_curl_examples():
    assert len(curl_examples()) >= 5


def test_the_readme_curl_examples_run_in_order_against_a_fresh_server(fresh_server):
    server = fresh_server(token="dev-token")
    script = "set -euo pipefail\n" + "".join(
        f"echo '{MARK}'\n{block.replace(EXAMPLE_URL, server.url)}\necho\n" for block in curl_examples()
    )
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    outputs = done.stdout.split(MARK + "\n")[1:]
    assert len(outputs) == len(curl_examples())
    for block, output in zip(curl_examples(), outputs, strict=True):
        for line in filter(None, output.strip().splitlines()):
            answer = json.loads(line)
            assert answer.get("status") != "error", (block, answer)
            assert "errors" not in answer and "numErrors" not in answer, (block, answer)
    # the examples did what they say: the task is associated with the contact, both calls were updated
    with httpx.Client(base_url=server.url, headers={"Authorization": "Bearer dev-token"}) as client:
        task = client.get("/crm/v3/objects/tasks", params={"associations": "contacts"}).json()["results"][0]
        assert task["associations"]["contacts"]["results"]
        calls = client.get("/crm/v3/objects/calls", params={"properties": "hs_call_title,hs_call_status"}).json()
        seen = sorted((c["properties"]["hs_call_title"], c["properties"]["hs_call_status"]) for c in calls["results"])
        assert seen == [("Discovery", None), ("Intro", "COMPLETED")]
