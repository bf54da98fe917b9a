"""Cancel, pause and unpause a subscription (docs/decisions.md, "Subscription lifecycle"): each moves the
record's `hs_status` from the statuses it takes to its own, and answers the record."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from localspot.crm.objects.inputs import PropertyValue
from localspot.crm.objects.reads import ReadOptions, RecordReads
from localspot.crm.objects.service import RecordService
from localspot.crm.subscriptions import errors as lifecycle_errors
from localspot.kernel import errors
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.storage.portals import ALL_SCOPES
from localspot.kernel.timeutil import iso_from_ms

SUBSCRIPTIONS = "subscriptions"
STATUS = "hs_status"
NEXT_PAYMENT = "hs_next_payment_due_date"
# A subscription written without a status is taken to be active.
DEFAULT_STATUS = "active"
_MAX_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z


@dataclass(frozen=True)
class Action:
    done: str  # how the error names it: "canceled"
    from_statuses: tuple[str, ...]
    to_status: str


ACTIONS = {
    "cancel": Action("canceled", ("scheduled", "active", "past_due", "paused"), "canceled"),
    "pause": Action("paused", ("active", "past_due"), "paused"),
    "unpause": Action("unpaused", ("paused",), "active"),
}


class SubscriptionLifecycle:
    def __init__(self, records: RecordService, reads: RecordReads) -> None:
        self.records = records
        self.reads = reads

    def act(
        self, principal: Principal, object_id: str, action_name: str, next_billing_ms: int | None = None
    ) -> dict[str, Any]:
        principal.require(Operation.SUBSCRIPTION_LIFECYCLE)
        action = ACTIONS[action_name]
        if not (object_id.isascii() and object_id.isdigit()) or len(object_id) > 18:
            raise errors.object_not_found(object_id[:60])
        if next_billing_ms is not None and not 0 <= next_billing_ms <= _MAX_MS:
            raise errors.validation_error(f"proposedNextBillingDate {next_billing_ms} is not a time in milliseconds.")
        # The lifecycle's own scopes were checked; the record is read and written whatever record scopes the
        # token holds (`crm.schemas.subscriptions.write` alone takes these actions).
        agent = replace(principal, scopes=frozenset({ALL_SCOPES}))
        record = self.reads.get(agent, SUBSCRIPTIONS, object_id, ReadOptions(properties=[STATUS]))
        status = record["properties"].get(STATUS) or DEFAULT_STATUS
        if status not in action.from_statuses:
            raise lifecycle_errors.wrong_status(record["id"], action.done, status, action.from_statuses)
        changes: dict[str, PropertyValue] = {STATUS: action.to_status}
        if next_billing_ms is not None:
            changes[NEXT_PAYMENT] = iso_from_ms(next_billing_ms - next_billing_ms % 86_400_000)[:10]
        return self.records.update(agent, SUBSCRIPTIONS, record["id"], changes)
