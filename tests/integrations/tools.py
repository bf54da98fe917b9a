"""Third-party integrations installed at test time, each into a virtual environment of its own under a
cache directory (`LOCALSPOT_TEST_CACHE`, default ~/.cache/localspot-tests) and reused by later runs.

An install that fails skips the test with the reason, except when CI=true: there it fails the test, so
CI never passes without running the integrations."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

INSTALL_TIMEOUT_S = 600


def cache_dir() -> Path:
    configured = os.environ.get("LOCALSPOT_TEST_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "localspot-tests"


def unavailable(reason: str) -> None:
    """Skip, or fail under CI=true."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: integrations must run)")
    pytest.skip(reason)


def tool_python(requirement: str, *, python: str = sys.executable) -> Path:
    """The interpreter of a virtual environment holding `requirement` (`name==version`), made on first
    use. Test workers that ask at once wait for one install (a lock file beside the environment)."""
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9.]+", "-", requirement)
    venv = root / name
    marker = venv / ".installed"
    interpreter = venv / "bin" / "python"
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists():
            return interpreter
        steps = [
            [python, "-m", "venv", "--clear", str(venv)],
            [str(interpreter), "-m", "pip", "install", "-q", "--disable-pip-version-check", requirement],
        ]
        for step in steps:
            try:
                done = subprocess.run(step, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S)
            except (OSError, subprocess.TimeoutExpired) as exc:
                unavailable(f"installing {requirement} failed: {exc}")
            if done.returncode != 0:
                unavailable(f"installing {requirement} failed (exit {done.returncode}): {done.stderr[-2000:]}")
        marker.write_text(requirement)
    return interpreter


def python_between(lowest: tuple[int, int], below: tuple[int, int]) -> str:
    """An interpreter of a version in [lowest, below): this one, else `python3.N` on PATH."""
    if lowest <= sys.version_info[:2] < below:
        return sys.executable
    for minor in range(below[1] - 1, lowest[1] - 1, -1):
        found = shutil.which(f"python{lowest[0]}.{minor}")
        if found:
            return found
    unavailable(f"no Python from {lowest[0]}.{lowest[1]} to below {below[0]}.{below[1]} on PATH")
    raise AssertionError("unreachable")
