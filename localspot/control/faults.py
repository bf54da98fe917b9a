"""`/_localspot/faults`: rules that make matching API requests wait, fail with a chosen status, or lose their
connection, so an integration's retry and timeout code can be tested. Rules live in the database (every
worker applies them, through `ControlState`); a rule with `times` is used up across all workers at once.

A request matches a rule when its method (if the rule names one), its path (a glob: `*` matches any
characters, `/` included) and its portal (if named) match. The oldest matching rule applies.
"""

from __future__ import annotations

import fnmatch
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from localspot.control import errors
from localspot.control.queries import ControlQueries
from localspot.control.state import ControlState, FaultRule
from localspot.kernel.storage import Database

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
MAX_RULES = 1000
MAX_PATH_LENGTH = 2000
MAX_DELAY_MS = 120_000
MAX_BODY_BYTES = 64 * 1024


class FaultCreate(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    path: str
    method: str | None = None
    portal_id: int | None = None
    status: int | None = None
    body: Any = None
    delay_ms: int | None = None
    drop: bool = False
    times: int | None = None
    probability: float | None = None


@dataclass(frozen=True, slots=True)
class Fault:
    """What a matching request gets: `delay_ms` first, then a dropped connection, an answer of `status`
    (with `body`, or HubSpot's own body for that status when None), or (neither) the normal answer."""

    delay_ms: int
    drop: bool
    status: int | None
    body: Any


class FaultAdmin:
    def __init__(self, database: Database, state: ControlState, *, chance: Callable[[], float] = random.random):
        self.database = database
        self.state = state
        self._chance = chance

    # --- the admin API ----------------------------------------------------------------------------------

    def create(self, body: FaultCreate) -> tuple[int, dict[str, Any]]:
        rule = _checked(body)
        with self.database.session(write=True) as session:
            queries = ControlQueries.of(session)
            if len(queries.faults()) >= MAX_RULES:
                raise errors.invalid_admin_input("", f"at most {MAX_RULES} fault rules; delete some first")
            fault_id = session.reserve_ids(1)[0]
            queries.insert_fault(fault_id, rule, body.times, session.clock.now_ms())
            self.state.changed(session)
        self.state.settle()
        return 201, _render(FaultRule(fault_id, rule, body.times))

    def list(self) -> dict[str, Any]:
        return {"results": [_render(rule) for rule in self._stored()]}

    def get(self, fault_id: str) -> dict[str, Any]:
        return _render(self._rule(fault_id))

    def delete(self, fault_id: str) -> None:
        rule = self._rule(fault_id)
        with self.database.session(write=True) as session:
            if not ControlQueries.of(session).delete_fault(rule.id):
                raise errors.fault_not_found(fault_id)
            self.state.changed(session)
        self.state.settle()

    def delete_all(self) -> None:
        with self.database.session(write=True) as session:
            ControlQueries.of(session).delete_faults()
            self.state.changed(session)
        self.state.settle()

    # --- what the traffic gate asks ------------------------------------------------------------------------

    @property
    def any(self) -> bool:
        return bool(self.state.current.faults)

    def candidates(self, method: str, path: str, portal_id: int | None) -> list[FaultRule]:
        """The rules this request matches, oldest first (before `times` and `probability` are drawn)."""
        return [rule for rule in self.state.current.faults if _matches(rule.rule, method, path, portal_id)]

    def draw(self, rule: FaultRule) -> Fault | None:
        """The rule's fault for one request, or None when its probability says no or its times are used up
        (`take` writes: call it where the backend may block)."""
        probability = rule.rule.get("probability")
        if probability is not None and self._chance() >= probability:
            return None
        if rule.remaining is not None and not self.take(rule.id):
            return None
        return Fault(
            delay_ms=rule.rule.get("delayMs") or 0,
            drop=bool(rule.rule.get("drop")),
            status=rule.rule.get("status"),
            body=rule.rule.get("body"),
        )

    def take(self, fault_id: int) -> bool:
        with self.database.session(write=True) as session:
            taken = ControlQueries.of(session).take_fault(fault_id)
            self.state.changed(session)
        return taken

    def _stored(self) -> list[FaultRule]:
        """The rules as stored (with what is left of each rule's times right now)."""
        with self.database.session(write=False, settle=False) as session:
            return [FaultRule(*row) for row in ControlQueries.of(session).faults()]

    def _rule(self, fault_id: str) -> FaultRule:
        for rule in self._stored():
            if str(rule.id) == fault_id:
                return rule
        raise errors.fault_not_found(fault_id)


def _matches(rule: dict[str, Any], method: str, path: str, portal_id: int | None) -> bool:
    if rule.get("method") is not None and rule["method"] != method:
        return False
    if rule.get("portalId") is not None and rule["portalId"] != portal_id:
        return False
    return fnmatch.fnmatchcase(path, rule["path"])


def _checked(body: FaultCreate) -> dict[str, Any]:
    """The rule as stored, with every field checked; a rule that would do nothing is refused."""
    if not body.path.strip() or len(body.path) > MAX_PATH_LENGTH or not body.path.startswith(("/", "*")):
        raise errors.invalid_admin_input("path", f"must be a glob of 1 to {MAX_PATH_LENGTH} characters from `/`")
    method = body.method.upper() if body.method is not None else None
    if method is not None and method not in METHODS:
        raise errors.invalid_admin_input("method", f"must be one of {', '.join(sorted(METHODS))}")
    if body.status is not None and not 200 <= body.status <= 599:
        raise errors.invalid_admin_input("status", "must be an HTTP status from 200 to 599")
    if body.delay_ms is not None and not 0 <= body.delay_ms <= MAX_DELAY_MS:
        raise errors.invalid_admin_input("delayMs", f"must be a whole number from 0 to {MAX_DELAY_MS}")
    if body.times is not None and body.times < 1:
        raise errors.invalid_admin_input("times", "must be at least 1 (leave it out for no limit)")
    if body.probability is not None and not 0 <= body.probability <= 1:
        raise errors.invalid_admin_input("probability", "must be a number from 0 to 1")
    if body.drop and body.status is not None:
        raise errors.invalid_admin_input("drop", "a dropped connection answers no status: give `drop` or `status`")
    if body.body is not None and body.status is None:
        raise errors.invalid_admin_input("body", "a body needs the `status` it is answered with")
    if body.body is not None and len(msgspec.json.encode(body.body)) > MAX_BODY_BYTES:
        raise errors.invalid_admin_input("body", f"must encode to at most {MAX_BODY_BYTES} bytes")
    if not body.drop and body.status is None and not body.delay_ms:
        raise errors.invalid_admin_input("", "the rule does nothing: give `status`, `drop` or `delayMs`")
    rule = {
        "path": body.path,
        "method": method,
        "portalId": body.portal_id,
        "status": body.status,
        "body": body.body,
        "delayMs": body.delay_ms,
        "drop": body.drop,
        "times": body.times,
        "probability": body.probability,
    }
    return {name: value for name, value in rule.items() if value is not None}


def _render(rule: FaultRule) -> dict[str, Any]:
    return {"id": str(rule.id), **rule.rule, "drop": bool(rule.rule.get("drop")), "remaining": rule.remaining}
