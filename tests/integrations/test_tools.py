"""The integration installer: a failed install skips, except under CI=true, where it fails."""

from __future__ import annotations

import pytest

from tests.integrations.tools import tool_python


@pytest.mark.parametrize(("ci", "outcome"), [("", pytest.skip.Exception), ("true", pytest.fail.Exception)])
def test_a_failed_install_skips_outside_ci_and_fails_in_it(monkeypatch, tmp_path, ci, outcome):
    monkeypatch.setenv("LOCALSPOT_TEST_CACHE", str(tmp_path))
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match=r"installing tap-hubspot==4\.5\.0 failed"):
        tool_python("tap-hubspot==4.5.0", python=str(tmp_path / "no-such-python"))
    assert not (tmp_path / "tap-hubspot-4.5.0" / ".installed").exists()
