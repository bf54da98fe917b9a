"""Running `localspot` commands as a user would, and servers started with a changed interpreter (a module
made unimportable) or limits."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.support.server import LocalspotServer, Storage

# `python -c` with these lines first starts localspot as if the named modules were not installed.
WITHOUT_MODULES = (
    "import sys\nfor name in {names!r}: sys.modules[name] = None\nfrom localspot.cli import main\nsys.exit(main())"
)


def localspot_command(*args: str, without: tuple[str, ...] = ()) -> list[str]:
    if without:
        return [sys.executable, "-c", WITHOUT_MODULES.format(names=without), *args]
    return [sys.executable, "-m", "localspot", *args]


def run_localspot(
    *args: str, without: tuple[str, ...] = (), env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        localspot_command(*args, without=without),
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


class CustomServer(LocalspotServer):
    """A test server started through `localspot_command` (modules removed) under `prefix` (e.g. prlimit)."""

    def __init__(
        self,
        storage: Storage,
        token: str,
        *,
        extra_args: list[str] | None = None,
        without: tuple[str, ...] = (),
        prefix: tuple[str, ...] = (),
    ) -> None:
        super().__init__(storage, token, extra_args=extra_args)
        self.without = without
        self.prefix = prefix

    def command(self, *args: str) -> list[str]:
        if args and args[0] == "serve":
            return [*self.prefix, *localspot_command(*args, without=self.without)]
        return super().command(*args)


def wait_for_file(path: Path, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text()
        time.sleep(0.05)
    raise AssertionError(f"{path} was not written within {timeout} s")
