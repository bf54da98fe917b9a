"""An association limit holds under concurrent writers, on both backends (issue #15, item 12)."""

from __future__ import annotations

import pytest

from tests.support.limit_race import LIMIT_SCENARIOS, assert_limit_held, race


@pytest.mark.parametrize(("scenario", "portal_id"), [(LIMIT_SCENARIOS[0], 41), (LIMIT_SCENARIOS[1], 42)])
def test_concurrent_writers_never_exceed_a_limit(server, token_for, scenario: str, portal_id: int) -> None:
    statuses, stored = race([server.url], token_for("*", portal_id), scenario)
    assert_limit_held(statuses, stored)
