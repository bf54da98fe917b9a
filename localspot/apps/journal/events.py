"""The webhooks journal's EventSink: each record or association change that a journal subscription of an app
installed in the portal asks for becomes a journal event, appended in the change's own transaction (a
rolled-back write journals nothing), beside the webhook outbox (`kernel/storage/events.FanOut`).

Which subscriptions listen where is cached per portal and forgotten whenever the control plane's shared
version moves (a journal subscription, a filter or an install changed, in this process or another), so a
write nobody listens to costs one dictionary lookup. App lifecycle events (install, uninstall) and snapshots
are appended through the same `append`."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from localspot.apps.journal.queries import JournalQueries
from localspot.kernel.storage import Database, Session
from localspot.kernel.storage.events import (
    ASSOCIATION_CHANGE,
    CREATION,
    DELETION,
    MERGE,
    PRIVACY_DELETION,
    PROPERTY_CHANGE,
    RESTORE,
    Change,
)
from localspot.kernel.storage.session import encode_json
from localspot.kernel.timeutil import iso_from_ms

# HubSpot keeps journal events for 3 days (on the control plane's clock here).
RETENTION_MS = 3 * 24 * 3600 * 1000
# The most events one journal entry (one file) holds.
ENTRY_SIZE = 100
# Every this many entries appended, a process drops those past retention.
PRUNE_EVERY = 500
# The control plane's shared setting moved whenever journal subscriptions or filters change.
JOURNAL_VERSION = "webhooksJournalVersion"
APP_INSTALL, APP_UNINSTALL = "APP_INSTALL", "APP_UNINSTALL"
LIFECYCLE_EVENT_TYPES = {"4-1909196": APP_INSTALL, "4-1916193": APP_UNINSTALL}
EVENT_TYPE_OF = {action: type_id for type_id, action in LIFECYCLE_EVENT_TYPES.items()}
# localspot has no HubSpot users: every install is made by this one (as OAuth's INSTALLING_USER).
INSTALLING_USER_ID = "1"
_OBJECT_ACTIONS = {
    CREATION: "CREATE",
    PROPERTY_CHANGE: "UPDATE",
    DELETION: "DELETE",
    MERGE: "MERGE",
    RESTORE: "RESTORE",
}


@dataclass(frozen=True, slots=True)
class Listener:
    app_id: int
    kind: str  # OBJECT, ASSOCIATION, GDPR_PRIVACY_DELETION
    actions: frozenset[str]
    object_ids: frozenset[int]  # empty: every record
    properties: frozenset[str]  # empty: every property
    associated: frozenset[str]  # empty: every associated type
    filters: tuple[tuple[dict[str, Any], ...], ...]  # each filter's conditions


class JournalEvents:
    def __init__(self, database: Database) -> None:
        self.database = database
        # portal id -> object type id -> its listeners
        self._cache: dict[int, dict[str, list[Listener]]] = {}
        self._lock = threading.Lock()
        self._appended = 0

    def forget(self, *_: Any) -> None:
        with self._lock:
            self._cache = {}

    def _listeners(self, session: Session, portal_id: int) -> dict[str, list[Listener]]:
        found = self._cache.get(portal_id)
        if found is None:
            found = {}
            for app_id, body, filters in JournalQueries.of(session).listening(portal_id):
                if body["subscriptionType"] not in ("OBJECT", "ASSOCIATION", "GDPR_PRIVACY_DELETION"):
                    continue
                listener = Listener(
                    app_id,
                    body["subscriptionType"],
                    frozenset(body["actions"]),
                    frozenset(body.get("objectIds") or ()),
                    frozenset(body.get("properties") or ()),
                    frozenset(body.get("associatedObjectTypeIds") or ()),
                    tuple(tuple(f["conditions"]) for f in filters),
                )
                found.setdefault(body["objectTypeId"], []).append(listener)
            with self._lock:
                self._cache[portal_id] = found
        return found

    # --- the EventSink -------------------------------------------------------------------------------

    def watches(self, session: Session, portal_id: int, object_type_id: str) -> bool:
        return object_type_id in self._listeners(session, portal_id)

    def record(self, session: Session, portal_id: int, object_type_id: str, changes: Sequence[Change]) -> None:
        listeners = self._listeners(session, portal_id).get(object_type_id)
        if not listeners:
            return
        occurred_at = iso_from_ms(session.clock.now_ms())
        by_app: dict[int, list[dict[str, Any]]] = {}
        for change in changes:
            for listener in listeners:
                event = _event(listener, change, object_type_id, portal_id, occurred_at)
                if event is not None:
                    by_app.setdefault(listener.app_id, []).append(event)
        for app_id, events in by_app.items():
            self.append(session, app_id, portal_id, events)

    # --- appending ---------------------------------------------------------------------------------------

    def append(self, session: Session, app_id: int, portal_id: int, events: list[dict[str, Any]]) -> list[str]:
        """The events as the app's newest entries (up to ENTRY_SIZE each) in `session`; their offsets."""
        if not events:
            return []
        queries = JournalQueries.of(session)
        queries.lock_for_entries()
        parts = [events[i : i + ENTRY_SIZE] for i in range(0, len(events), ENTRY_SIZE)]
        now = session.clock.now_ms()
        offsets = [str(uuid.uuid4()) for _ in parts]
        ids = session.reserve_ids(len(parts))
        rows = [
            (entry_id, app_id, portal_id, offset, encode_json(part).decode(), len(part), now)
            for entry_id, offset, part in zip(ids, offsets, parts, strict=True)
        ]
        queries.insert_entries(rows)
        self._appended += len(rows)
        if self._appended >= PRUNE_EVERY:
            self._appended = 0
            queries.prune(now - RETENTION_MS)
        return offsets

    def lifecycle(self, session: Session, app_id: int, portal_id: int, action: str) -> None:
        """An app installed in or uninstalled from a portal: journaled when the app subscribed to it."""
        event_type_id = EVENT_TYPE_OF[action]
        for body in JournalQueries.of(session).lifecycle_subscriptions(app_id, event_type_id):
            properties = {
                "hs_app_id": str(app_id),
                "hs_app_install_level": "PORTAL",
                "hs_initiating_user_id": INSTALLING_USER_ID,
                "hs_user_id": INSTALLING_USER_ID,
            }
            wanted = body.get("properties") or []
            if wanted:
                properties = {name: properties.get(name) for name in wanted}
            event = {
                "type": "app_lifecycle_event",
                "portalId": portal_id,
                "occurredAt": iso_from_ms(session.clock.now_ms()),
                "action": action,
                "eventTypeId": event_type_id,
                "properties": properties,
            }
            self.append(session, app_id, portal_id, [event])


def _event(
    listener: Listener, change: Change, object_type_id: str, portal_id: int, occurred_at: str
) -> dict[str, Any] | None:
    """The journal event one change makes for one subscription, if any."""
    if listener.object_ids and change.object_id not in listener.object_ids:
        return None
    base: dict[str, Any] = {"type": "crmObject", "portalId": portal_id, "occurredAt": occurred_at}
    if listener.kind == "ASSOCIATION":
        details = change.details or {}
        if change.kind != ASSOCIATION_CHANGE:
            return None
        action = "ASSOCIATION_REMOVED" if details.get("associationRemoved") else "ASSOCIATION_ADDED"
        if action not in listener.actions:
            return None
        if listener.associated and change.other_type_id not in listener.associated:
            return None
        base.update(
            type="association",
            action=action,
            objectTypeId=object_type_id,
            objectId=change.object_id,
            fromObjectId=details.get("fromObjectId", change.object_id),
            toObjectTypeId=change.other_type_id,
            toObjectId=details.get("toObjectId"),
            associationType=details.get("associationType"),
        )
        return base
    if listener.kind == "GDPR_PRIVACY_DELETION":
        if change.kind != PRIVACY_DELETION:
            return None
        base.update(action="GDPR_DELETE", objectTypeId=object_type_id, objectId=change.object_id)
        return base
    action = _OBJECT_ACTIONS.get(change.kind)
    if action is None or action not in listener.actions:
        return None
    base.update(action=action, objectTypeId=object_type_id, objectId=change.object_id)
    if change.kind in (CREATION, PROPERTY_CHANGE):
        values = change.properties or {}
        if listener.properties:
            values = {name: value for name, value in values.items() if name in listener.properties}
        if change.kind == PROPERTY_CHANGE and not values:
            return None
        if listener.filters and not any(_holds(conditions, values) for conditions in listener.filters):
            return None
        # A cleared value reads as null in the journal.
        base["propertyChanges"] = {name: (value if value != "" else None) for name, value in values.items()}
    elif listener.filters:
        return None  # nothing of the record's values to test the filters on (docs/decisions.md)
    if change.kind == MERGE and change.details:
        base["mergedObjectIds"] = change.details.get("mergedObjectIds", [])
        base["primaryObjectId"] = change.details.get("primaryObjectId", change.object_id)
    return base


def _holds(conditions: Sequence[dict[str, Any]], values: dict[str, str]) -> bool:
    """Every condition of one filter, against the values the change sets (a property it does not set is
    unknown: only IS_EMPTY... and N_EQ/NOT_IN hold for it)."""
    return all(_condition(c, values.get(c["property"])) for c in conditions)


def _condition(condition: dict[str, Any], value: str | None) -> bool:
    operator = condition["operator"]
    empty = value is None or value == ""
    if operator == "IS_EMPTY":
        return empty
    if operator == "IS_NOT_EMPTY":
        return not empty
    wanted = condition.get("value")
    options = condition.get("values") or ([] if wanted is None else [wanted])
    if operator in ("N_EQ", "NOT_IN"):
        return empty or value not in options
    if empty or (wanted is None and operator not in ("IN",)):
        return False
    text = str(value)
    if operator == "EQ":
        return text == wanted
    if operator == "IN":
        return text in options
    if operator == "CONTAINS":
        return str(wanted).lower() in text.lower()
    if operator == "STARTS_WITH":
        return text.lower().startswith(str(wanted).lower())
    if operator == "ENDS_WITH":
        return text.lower().endswith(str(wanted).lower())
    return _compare(operator, text, str(wanted))


def _compare(operator: str, text: str, wanted: str) -> bool:
    try:
        left, right = float(text), float(wanted)
    except ValueError:
        left, right = text, wanted  # type: ignore[assignment]
    if operator == "LT":
        return left < right
    if operator == "LTE":
        return left <= right
    if operator == "GT":
        return left > right
    return left >= right  # GTE
