"""Run scripts through HubSpot's official Node client (``@hubspot/api-client`` 13.5.0).

Usage from a test::

    from tests.clients.node import run_node

    out = run_node(base_url, "test-token", '''
        const r = await client.crm.objects.contacts.basicApi.create({properties: {email: "a@b.com"}})
        return r
    ''')
    assert out["ok"], out
    assert out["result"]["properties"]["email"] == "a@b.com"

The script is the body of ``async (client, hubspot) => { ... }``; ``client`` is
``new hubspot.Client({accessToken, basePath, numberOfApiCallRetries: 0})``. The returned dict is
``{"ok": True, "result": ...}`` or ``{"ok": False, "error": {"name", "message", "code", "body",
"headers"}}`` (``code``/``body``/``headers`` from the client's ``ApiException``, else ``None``).
Results use the Node client's property names (e.g. ``_new`` for ``new``) and Dates as ISO strings.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import threading

NODE_DIR = pathlib.Path(__file__).resolve().parent.parent / "node"
_INSTALL_LOCK = threading.Lock()


class NodeUnavailable(RuntimeError):
    """Node/npm is missing or the npm dependencies could not be installed."""


def _which(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise NodeUnavailable(f"`{name}` is not on PATH; install Node.js to run the Node client tests")
    return path


def ensure_node_client() -> pathlib.Path:
    """Install tests/node's npm deps once (``npm ci``) and return the tests/node directory."""
    _which("node")
    marker = NODE_DIR / "node_modules" / "@hubspot" / "api-client" / "package.json"
    if marker.exists():
        return NODE_DIR
    with _INSTALL_LOCK:
        if marker.exists():
            return NODE_DIR
        npm = _which("npm")
        try:
            proc = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=NODE_DIR,
                capture_output=True,
                text=True,
                timeout=600,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise NodeUnavailable(f"`npm ci` in {NODE_DIR} failed to run: {exc}") from exc
        if proc.returncode != 0 or not marker.exists():
            raise NodeUnavailable(
                f"`npm ci --no-audit --no-fund` in {NODE_DIR} failed (exit {proc.returncode}):\n"
                f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
            )
    return NODE_DIR


def run_node(base_url: str, token: str, script: str, timeout: float = 60) -> dict:
    """Run ``script`` with the Node client pointed at ``base_url``; return the runner's JSON dict."""
    node_dir = ensure_node_client()
    node = _which("node")
    payload = json.dumps({"basePath": base_url.rstrip("/"), "accessToken": token, "script": script})
    env = {**os.environ, "NODE_NO_WARNINGS": "1"}
    try:
        proc = subprocess.run(
            [node, str(node_dir / "run.js")],
            cwd=node_dir,
            input=payload,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(
            f"node runner timed out after {timeout}s\nstdout:\n{exc.stdout}\nstderr:\n{exc.stderr}"
        ) from exc
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines:
        raise AssertionError(
            f"node runner crashed (exit {proc.returncode})\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
    try:
        out = json.loads(lines[-1])
    except json.JSONDecodeError as exc:
        raise AssertionError(
            f"node runner printed non-JSON output\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        ) from exc
    if not isinstance(out, dict) or "ok" not in out:
        raise AssertionError(f"unexpected node runner output: {proc.stdout!r}\nstderr:\n{proc.stderr}")
    return out


def node_client_or_skip() -> pathlib.Path:
    """For a module fixture: the tests/node directory, or a skip (a failure when CI=true) without Node."""
    import pytest

    try:
        return ensure_node_client()
    except NodeUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Node client unavailable in CI: {exc}")
        pytest.skip(f"Node client unavailable (set CI=true to make this a failure): {exc}")
