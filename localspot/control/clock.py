"""`/_localspot/clock`: set the time every worker writes and compares by, freeze it, move it on, or go back to
real time. Ids come from sequences, so they keep increasing whatever the clock does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from localspot.control import errors
from localspot.control.queries import ControlQueries
from localspot.control.state import ControlState, Snapshot
from localspot.kernel.storage import Database
from localspot.kernel.timeutil import iso_from_ms
from localspot.kernel.timeutil import now_ms as real_now_ms

CLOCK = "clock"
REAL_TIME = {"offsetMs": 0, "frozenAt": None}
MAX_ADVANCE_MS = 100 * 365 * 86_400_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ClockSetting(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    now: str | None = None
    frozen: bool = False
    advance_ms: int | None = None


class ClockAdmin:
    def __init__(self, database: Database, state: ControlState) -> None:
        self.database = database
        self.state = state
        state.on_change(self._apply)

    def get(self) -> dict[str, Any]:
        self.state.refresh()
        clock = self.database.clock
        setting = clock.setting()
        return {
            "now": iso_from_ms(clock.now_ms()),
            "frozen": clock.frozen,
            "offsetMs": setting["offsetMs"],
            "realTime": setting == REAL_TIME,
        }

    def put(self, body: ClockSetting) -> dict[str, Any]:
        """`{"now"}` runs on from that instant, `{"now", "frozen": true}` stands still there, `{"advanceMs"}`
        moves the clock on (a frozen clock stays frozen)."""
        if (body.now is None) == (body.advance_ms is None):
            raise errors.invalid_admin_input("", "give either `now` (an ISO-8601 instant) or `advanceMs`")
        if body.now is not None:
            target = _instant_ms(body.now)
            setting = (
                {"offsetMs": 0, "frozenAt": target}
                if body.frozen
                else {"offsetMs": target - real_now_ms(), "frozenAt": None}
            )
        else:
            assert body.advance_ms is not None
            if not 0 <= body.advance_ms <= MAX_ADVANCE_MS:
                raise errors.invalid_admin_input("advanceMs", f"must be a whole number from 0 to {MAX_ADVANCE_MS}")
            current = self.database.clock.setting()
            if current["frozenAt"] is not None:
                setting = {"offsetMs": 0, "frozenAt": current["frozenAt"] + body.advance_ms}
            else:
                setting = {"offsetMs": current["offsetMs"] + body.advance_ms, "frozenAt": None}
        self._save(setting)
        return self.get()

    def delete(self) -> None:
        self._save(dict(REAL_TIME))

    def _save(self, setting: dict[str, Any]) -> None:
        with self.database.session(write=True) as session:
            ControlQueries.of(session).save_setting(CLOCK, setting)
        self.state.refresh(force=True)
        self.state.settle()

    def _apply(self, before: Snapshot, after: Snapshot) -> None:
        setting = after.settings.get(CLOCK) or REAL_TIME
        self.database.clock.set(offset_ms=setting["offsetMs"], frozen_at=setting["frozenAt"])


def _instant_ms(text: str) -> int:
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise errors.invalid_admin_input("now", "must be an ISO-8601 instant, e.g. 2026-01-01T00:00:00Z") from None
    if parsed.tzinfo is None:
        raise errors.invalid_admin_input("now", "must name its offset (Z or +hh:mm)")
    return (parsed - _EPOCH) // timedelta(milliseconds=1)
