"""The inspector's control-plane pages and the actions of their forms, each through the control plane's own
services (the ones the admin API calls): portals and their snapshots, fault rules, rate limits, the clock and
the request journal. An action answers the notice the page shows after it; a refused action raises the
service's `ApiError`, whose message the page shows instead."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from localspot.control import errors
from localspot.control.clock import ClockAdmin, ClockSetting
from localspot.control.faults import FaultAdmin, FaultCreate
from localspot.control.journal import Journal
from localspot.control.portals import PortalAdmin, PortalCreate
from localspot.control.rate_limits import TIER_NAMES, RateLimits, RateLimitSetting
from localspot.control.snapshots import SnapshotAdmin, SnapshotCreate

Form = Mapping[str, str]


def _whole(form: Form, name: str, *, required: bool = False) -> int | None:
    raw = form.get(name, "").strip()
    if not raw:
        if required:
            raise errors.invalid_admin_input(name, "is required")
        return None
    if not raw.lstrip("-").isdigit() or len(raw) > 16:
        raise errors.invalid_admin_input(name, f"must be a whole number, got {raw!r}")
    return int(raw)


def _text(form: Form, name: str) -> str | None:
    return form.get(name, "").strip() or None


class Console:
    def __init__(
        self,
        portals: PortalAdmin,
        snapshots: SnapshotAdmin,
        faults: FaultAdmin,
        rate_limits: RateLimits,
        clock: ClockAdmin,
        journal: Journal,
    ) -> None:
        self.portals = portals
        self.snapshots = snapshots
        self.faults = faults
        self.rate_limits = rate_limits
        self.clock = clock
        self.journal = journal
        self.actions: dict[str, Callable[[Form], str]] = {
            "portal-create": self._portal_create,
            "portal-reset": lambda f: self._on_portal(f, self.portals.reset, "reset"),
            "portal-delete": lambda f: self._on_portal(f, self.portals.delete, "deleted"),
            "snapshot-create": self._snapshot_create,
            "snapshot-restore": self._snapshot_restore,
            "snapshot-delete": self._snapshot_delete,
            "fault-create": self._fault_create,
            "fault-delete": self._fault_delete,
            "faults-clear": self._faults_clear,
            "rate-limits": self._rate_limits,
            "clock-set": self._clock_set,
            "clock-advance": self._clock_advance,
            "clock-real": self._clock_real,
            "journal-clear": self._journal_clear,
        }

    # --- pages -----------------------------------------------------------------------------------------

    def portal_list(self) -> list[dict[str, Any]]:
        """Each portal with its record counts, its snapshots and its rate limits."""
        listed = self.portals.list()["results"]
        for portal in listed:
            portal["snapshots"] = self.snapshots.list(portal["portalId"])["results"]
            portal["rateLimits"] = self.rate_limits.get(portal["portalId"])
        return listed

    def require_portal(self, portal_id: int) -> None:
        """PORTAL_NOT_FOUND (404) unless the portal exists: the cheapest read of the control plane that checks."""
        self.rate_limits.get(portal_id)

    def controls(self) -> dict[str, Any]:
        return {
            "faults": self.faults.list()["results"],
            "clock": self.clock.get(),
            "portals": [
                {"portalId": p["portalId"], "name": p["name"], "rateLimits": self.rate_limits.get(p["portalId"])}
                for p in self.portals.list()["results"]
            ],
            "tiers": TIER_NAMES,
        }

    # --- actions ---------------------------------------------------------------------------------------

    def act(self, action: str, form: Form) -> str:
        handler = self.actions.get(action)
        if handler is None:
            raise errors.invalid_admin_input("action", f"unknown action {action!r}")
        return handler(form)

    def _portal_create(self, form: Form) -> str:
        _, created = self.portals.create(PortalCreate(portal_id=_whole(form, "portalId"), name=_text(form, "name")))
        return f"Portal {created['portalId']} created; its token: {created['token']}"

    def _on_portal(self, form: Form, work: Callable[[int], None], done: str) -> str:
        portal_id = _whole(form, "portalId", required=True)
        assert portal_id is not None
        work(portal_id)
        return f"Portal {portal_id} {done}"

    def _snapshot_create(self, form: Form) -> str:
        portal_id = _whole(form, "portalId", required=True)
        assert portal_id is not None
        _, made = self.snapshots.create(portal_id, SnapshotCreate(name=form.get("name", "").strip()))
        return f"Snapshot {made['name']} of portal {portal_id} saved ({made['recordCount']} records)"

    def _snapshot_restore(self, form: Form) -> str:
        portal_id = _whole(form, "portalId", required=True)
        assert portal_id is not None
        self.snapshots.restore(portal_id, form.get("name", ""))
        return f"Portal {portal_id} restored from snapshot {form.get('name', '')}"

    def _snapshot_delete(self, form: Form) -> str:
        portal_id = _whole(form, "portalId", required=True)
        assert portal_id is not None
        self.snapshots.delete(portal_id, form.get("name", ""))
        return f"Snapshot {form.get('name', '')} of portal {portal_id} deleted"

    def _fault_create(self, form: Form) -> str:
        _, rule = self.faults.create(
            FaultCreate(
                path=form.get("path", "").strip(),
                method=(_text(form, "method") or "").upper() or None,
                portal_id=_whole(form, "portalId"),
                status=_whole(form, "status"),
                delay_ms=_whole(form, "delayMs"),
                drop=form.get("drop") == "on",
                times=_whole(form, "times"),
            )
        )
        return f"Fault {rule['id']} added on {rule['path']}"

    def _fault_delete(self, form: Form) -> str:
        self.faults.delete(form.get("faultId", ""))
        return f"Fault {form.get('faultId', '')} removed"

    def _faults_clear(self, form: Form) -> str:
        self.faults.delete_all()
        return "Every fault removed"

    def _rate_limits(self, form: Form) -> str:
        portal_id = _whole(form, "portalId", required=True)
        assert portal_id is not None
        tier = form.get("tier", "off")
        self.rate_limits.put(portal_id, RateLimitSetting(tier=tier))
        return f"Rate limits of portal {portal_id}: {tier}"

    def _clock_set(self, form: Form) -> str:
        now = _text(form, "now")
        if now is not None and len(now) == 16:  # a datetime-local input's value: minutes, no zone
            now += ":00Z"
        answer = self.clock.put(ClockSetting(now=now or "", frozen=form.get("frozen") == "on"))
        return f"Clock set to {answer['now']}" + (" (frozen)" if answer["frozen"] else "")

    def _clock_advance(self, form: Form) -> str:
        answer = self.clock.put(ClockSetting(advance_ms=_whole(form, "advanceMs", required=True)))
        return f"Clock moved on to {answer['now']}"

    def _clock_real(self, form: Form) -> str:
        self.clock.delete()
        return "Clock back to real time"

    def _journal_clear(self, form: Form) -> str:
        self.journal.clear()
        return "Journal cleared"
