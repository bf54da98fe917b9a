"""`/_localspot/portals/{id}/rate-limits`: HubSpot's API limits, enforced per portal when turned on (off by
default). Counters live in the database (`rate_counters`), so every worker and every server over one
PostgreSQL database counts the same requests; windows are read from the shared clock.

Three policies, as HubSpot names them (../shared/hubspot-api-notes.md §8):
- `TEN_SECONDLY_ROLLING`: at most `max` requests per `intervalMs` (search is exempt);
- `DAILY`: at most `daily` requests per UTC day (search included);
- `SECONDLY`: at most `searchPerSecond` search requests per second.
Windows are fixed (aligned to the clock), not sliding: docs/decisions.md, "Rate limits".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from localspot.control import errors
from localspot.control.queries import ControlQueries
from localspot.control.state import ControlState
from localspot.kernel.errors import ApiError
from localspot.kernel.storage import Database, Session
from localspot.kernel.storage.portals import PortalQueries

RATE_LIMITS = "rateLimits"
DAY_MS = 86_400_000
SECOND_MS = 1000
MAX_INTERVAL_MS = DAY_MS
MAX_COUNT = 1_000_000_000

# HubSpot's private-app limits per product tier (burst per 10 s, per day), and its search limit.
TIERS: dict[str, dict[str, int]] = {
    "free": {"intervalMs": 10_000, "max": 100, "daily": 250_000, "searchPerSecond": 5},
    "starter": {"intervalMs": 10_000, "max": 100, "daily": 250_000, "searchPerSecond": 5},
    "professional": {"intervalMs": 10_000, "max": 190, "daily": 650_000, "searchPerSecond": 5},
    "enterprise": {"intervalMs": 10_000, "max": 190, "daily": 1_000_000, "searchPerSecond": 5},
}
OFF = "off"
TIER_NAMES = (*TIERS, OFF)


class RateLimitSetting(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    tier: str | None = None
    interval_ms: int | None = None
    max: int | None = None
    daily: int | None = None
    search_per_second: int | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    """One counted request: the headers its answer carries, and the error when it is over a limit."""

    headers: list[tuple[bytes, bytes]]
    refusal: ApiError | None


class RateLimits:
    def __init__(self, database: Database, state: ControlState) -> None:
        self.database = database
        self.state = state
        self._on_cleared: list[Callable[[int], None]] = []

    def on_cleared(self, listener: Callable[[int], None]) -> None:
        """`listener(portal_id)` runs whenever a portal's counters are cleared (the daily usage's tally)."""
        self._on_cleared.append(listener)

    def clear_counters(self, session: Session, portal_id: int) -> None:
        """Inside a reset's, a deletion's or a limits change's session: the portal's counts start again."""
        for listener in self._on_cleared:
            listener(portal_id)
        ControlQueries.of(session).delete_counters(portal_id)

    # --- the admin API ----------------------------------------------------------------------------------

    def get(self, portal_id: int) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            _require_portal(session, portal_id)
            limits = ControlQueries.of(session).settings().get(RATE_LIMITS, {}).get(str(portal_id))
        return _render(limits)

    def put(self, portal_id: int, body: RateLimitSetting) -> dict[str, Any]:
        limits = checked(body)
        with self.database.session(write=True) as session:
            _require_portal(session, portal_id)
            self._save(session, portal_id, limits)
        self.state.settle()
        return _render(limits)

    def delete(self, portal_id: int) -> None:
        with self.database.session(write=True) as session:
            _require_portal(session, portal_id)
            self._save(session, portal_id, None)
        self.state.settle()

    def forget(self, session: Session, portal_id: int) -> None:
        """Inside a deleted portal's session: its limits go with it."""
        if str(portal_id) in ControlQueries.of(session).settings().get(RATE_LIMITS, {}):
            self._save(session, portal_id, None)

    def _save(self, session: Session, portal_id: int, limits: dict[str, Any] | None) -> None:
        queries = ControlQueries.of(session)
        every = dict(queries.settings().get(RATE_LIMITS, {}))
        every.pop(str(portal_id), None)
        if limits is not None:
            every[str(portal_id)] = limits
        queries.save_setting(RATE_LIMITS, every)
        self.clear_counters(session, portal_id)
        self.state.changed(session)

    # --- what the traffic gate asks ------------------------------------------------------------------------

    @property
    def any(self) -> bool:
        return bool(self.state.current.settings.get(RATE_LIMITS))

    def limits_of(self, portal_id: int) -> dict[str, Any] | None:
        return self.state.current.settings.get(RATE_LIMITS, {}).get(str(portal_id))

    def daily_usage(self, portal_id: int) -> tuple[int | None, int]:
        """The portal's daily limit (None when its limits are off) and the API requests counted today, on the
        shared clock's UTC day (account info)."""
        limits = self.limits_of(portal_id)
        with self.database.session(write=False, settle=False) as session:
            now = session.clock.now_ms()
            used = ControlQueries.of(session).window_count(portal_id, "DAILY", now - now % DAY_MS)
        return (None if limits is None else limits["daily"]), used

    def count(self, portal_id: int, limits: dict[str, Any], *, search: bool) -> Verdict:
        """Counts one request of the portal (a write: call it where the backend may block)."""
        with self.database.session(write=True) as session:
            now = session.clock.now_ms()
            queries = ControlQueries.of(session)

            def used(policy: str, width: int) -> int:
                return counted(queries, portal_id, policy, now, width)

            interval = limits["intervalMs"]
            daily_used = used("DAILY", DAY_MS)
            if search:
                secondly_used = used("SECONDLY", SECOND_MS)
                refusal = (
                    _over("DAILY")
                    if daily_used > limits["daily"]
                    else _over("SECONDLY")
                    if secondly_used > limits["searchPerSecond"]
                    else None
                )
                # "Responses from the search API endpoints will not include any of the rate limit headers."
                return Verdict([], refusal)
            interval_used = used("TEN_SECONDLY_ROLLING", interval)
            per_second = math.ceil(limits["max"] * SECOND_MS / interval)
            second_used = used("BURST_SECONDLY", SECOND_MS)
        refusal = (
            _over("DAILY")
            if daily_used > limits["daily"]
            else _over("TEN_SECONDLY_ROLLING")
            if interval_used > limits["max"]
            else None
        )
        headers = [
            (b"X-HubSpot-RateLimit-Daily", b"%d" % limits["daily"]),
            (b"X-HubSpot-RateLimit-Daily-Remaining", b"%d" % max(0, limits["daily"] - daily_used)),
            (b"X-HubSpot-RateLimit-Interval-Milliseconds", b"%d" % interval),
            (b"X-HubSpot-RateLimit-Max", b"%d" % limits["max"]),
            (b"X-HubSpot-RateLimit-Remaining", b"%d" % max(0, limits["max"] - interval_used)),
            (b"X-HubSpot-RateLimit-Secondly", b"%d" % per_second),
            (b"X-HubSpot-RateLimit-Secondly-Remaining", b"%d" % max(0, per_second - second_used)),
        ]
        return Verdict(headers, refusal)


def counted(queries: ControlQueries, portal_id: int, policy: str, now: int, width: int, requests: int = 1) -> int:
    """Counts requests in the policy's window of `width` ms that holds `now`; the window's count so far."""
    start = now - now % width
    count = queries.count_requests(portal_id, policy, start, requests)
    if count == requests:  # the window's first requests: the policy's older windows are never read again
        queries.forget_windows(portal_id, policy, start)
    return count


def checked(body: RateLimitSetting) -> dict[str, Any] | None:
    """The limits a body asks for (None: off): a tier, or explicit figures (each one needed)."""
    explicit = {
        "intervalMs": body.interval_ms,
        "max": body.max,
        "daily": body.daily,
        "searchPerSecond": body.search_per_second,
    }
    given = {name: value for name, value in explicit.items() if value is not None}
    if body.tier is not None:
        if given:
            raise errors.invalid_admin_input("tier", "give a tier or explicit limits, not both")
        if body.tier not in TIER_NAMES:
            raise errors.invalid_admin_input("tier", f"must be one of {', '.join(TIER_NAMES)}")
        return None if body.tier == OFF else {"tier": body.tier, **TIERS[body.tier]}
    missing = [name for name in explicit if name not in given]
    if missing:
        raise errors.invalid_admin_input(missing[0], f"give a tier, or every one of {', '.join(explicit)}")
    if not 1000 <= given["intervalMs"] <= MAX_INTERVAL_MS:
        raise errors.invalid_admin_input("intervalMs", f"must be from 1000 to {MAX_INTERVAL_MS} milliseconds")
    for name in ("max", "daily", "searchPerSecond"):
        if not 1 <= given[name] <= MAX_COUNT:
            raise errors.invalid_admin_input(name, f"must be a whole number from 1 to {MAX_COUNT}")
    return {"tier": "custom", **given}


def tier_limits(tier: str) -> dict[str, Any] | None:
    """`serve --rate-limits TIER`: the limits of a tier name (None: off); ValueError names the tiers."""
    if tier not in TIER_NAMES:
        raise ValueError(f"unknown rate-limit tier {tier!r}: choose one of {', '.join(TIER_NAMES)}")
    return None if tier == OFF else {"tier": tier, **TIERS[tier]}


def _over(policy: str) -> ApiError:
    return errors.rate_limited(policy)


def _render(limits: dict[str, Any] | None) -> dict[str, Any]:
    if limits is None:
        return {"tier": OFF, "enabled": False}
    return {**limits, "enabled": True}


def _require_portal(session: Session, portal_id: int) -> None:
    if not PortalQueries.of(session).portals(portal_id):
        raise errors.portal_not_found(portal_id)
