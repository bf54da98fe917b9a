"""What time it is for everything localspot stores or compares (createdAt, updatedAt, history, rate-limit
windows). Real time by default; the control plane may set it to run on from another instant, or to stand still.
Each process holds one, kept in step with the setting every worker shares (`control/state.py`)."""

from __future__ import annotations

import time
from typing import Any


class Clock:
    def __init__(self) -> None:
        self._offset_ms = 0
        self._frozen_at: int | None = None

    def now_ms(self) -> int:
        frozen = self._frozen_at
        if frozen is not None:
            return frozen
        return time.time_ns() // 1_000_000 + self._offset_ms

    def set(self, *, offset_ms: int = 0, frozen_at: int | None = None) -> None:
        self._offset_ms = offset_ms
        self._frozen_at = frozen_at

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def setting(self) -> dict[str, Any]:
        """What `set` takes, as the control plane stores it."""
        return {"offsetMs": self._offset_ms, "frozenAt": self._frozen_at}
