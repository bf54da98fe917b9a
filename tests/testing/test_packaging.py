"""The testing kit ships in the wheel, with the plugin registered through the `pytest11` entry point."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from importlib.metadata import entry_points
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_installed_distribution_registers_the_plugin():
    [plugin] = [e for e in entry_points(group="pytest11") if e.name == "localspot"]
    assert plugin.value == "localspot.testing.plugin"


def test_the_wheel_holds_the_testing_kit_and_its_entry_point(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("localspot-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        [entry_points_txt] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        declared = archive.read(entry_points_txt).decode()
    assert {
        f"localspot/testing/{m}.py" for m in ("__init__", "admin", "inprocess", "plugin", "schema_template")
    } <= names
    assert "[pytest11]\nlocalspot = localspot.testing.plugin" in declared
