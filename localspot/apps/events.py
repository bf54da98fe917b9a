"""Webhook events: the EventSink the CRM's write paths report their changes to. Each change that an active
subscription of an app installed in the portal listens to becomes an event, written to the outbox in the
change's own transaction (a rolled-back write sends nothing; a committed one is never lost), in the compact
row format of `outbox.py`, and sent later by the delivery worker (`localspot/apps/delivery.py`), which
expands it into HubSpot's payload.

Which subscriptions listen where is cached per portal and forgotten whenever the control plane's shared
version moves (a subscription, a setting or an install changed, in this process or another), so a write
nobody listens to costs one dictionary lookup."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from localspot.apps.outbox import Template, row_text
from localspot.apps.queries import OutboxQueries
from localspot.kernel.storage import Database, Session
from localspot.kernel.storage.events import CREATION, DELETION, PROPERTY_CHANGE, Change

# The classic subscription subjects and the object types they stand for.
SUBJECTS = {"0-1": "contact", "0-2": "company", "0-3": "deal", "0-5": "ticket", "0-7": "product", "0-8": "line_item"}
TYPE_OF_SUBJECT = {subject: type_id for type_id, subject in SUBJECTS.items()}
# The most events one delivery carries (HubSpot's), and so one outbox row.
BATCH_SIZE = 100
# What HubSpot reports as the source of a change made through the API (as in property history).
CHANGE_SOURCE = "API"
_FLAGS = {CREATION: "CREATED", DELETION: "DELETED"}
# The control plane's shared setting moved whenever subscriptions, settings or installs change.
WEBHOOKS_VERSION = "webhooksVersion"


class Changes(Protocol):
    """Tells every worker that subscriptions, settings or installs changed (the control plane's shared version),
    so each forgets which subscriptions listen where."""

    def touch(self, session: Session, name: str) -> None: ...

    def settle(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Listener:
    app_id: int
    subscription_id: int
    kind: str  # creation, propertyChange...
    generic: bool  # an object.* subscription
    property_name: str | None


class WebhookEvents:
    def __init__(self, database: Database, wake: Callable[[], None] = lambda: None) -> None:
        self.database = database
        self.wake = wake
        # portal id -> object type id -> its listeners
        self._cache: dict[int, dict[str, list[Listener]]] = {}
        self._lock = threading.Lock()

    def forget(self, *_: Any) -> None:
        with self._lock:
            self._cache = {}

    def _listeners(self, session: Session, portal_id: int) -> dict[str, list[Listener]]:
        found = self._cache.get(portal_id)
        if found is None:
            found = {}
            for app_id, subscription_id, subscription in OutboxQueries.of(session).listening(portal_id):
                if not subscription.get("active"):
                    continue
                subject, _, kind = subscription["eventType"].partition(".")
                generic = subject == "object"
                type_id = subscription.get("objectTypeId") if generic else TYPE_OF_SUBJECT.get(subject)
                if type_id is None:
                    continue
                listener = Listener(app_id, subscription_id, kind, generic, subscription.get("propertyName"))
                found.setdefault(type_id, []).append(listener)
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
        occurred_at = session.clock.now_ms()
        # Each listener's template (the fields its events share), by its index among its app's templates.
        templates: dict[int, list[Template]] = {}
        index: list[int] = []
        for listener in listeners:
            own = templates.setdefault(listener.app_id, [])
            index.append(len(own))
            own.append(_template(listener, object_type_id, portal_id, occurred_at))
        # (change's index, listener's index, change, value) of every event, listener by listener.
        events: list[tuple[int, int, Change, Any]] = []
        for position, listener in enumerate(listeners):
            wanted = listener.kind
            if wanted != PROPERTY_CHANGE:
                events.extend((n, position, change, None) for n, change in enumerate(changes) if change.kind == wanted)
                continue
            name = listener.property_name
            if name is None:
                continue
            # A property change reports the subscribed property; a creation too, when it sets it.
            events.extend(
                (n, position, change, change.properties[name])
                for n, change in enumerate(changes)
                if change.properties is not None
                and name in change.properties
                and (change.kind == PROPERTY_CHANGE or (change.kind == CREATION and change.properties[name] != ""))
            )
        if not events:
            return
        if len(listeners) > 1:
            events.sort(key=lambda event: event[:2])  # HubSpot's order: each change, each listener
        ids = session.reserve_ids(len(events))
        now = int(time.time() * 1000)
        by_app: dict[int, list[tuple[int, int, Change, Any]]] = {}
        for event_id, (_, position, change, value) in zip(ids, events, strict=True):
            by_app.setdefault(listeners[position].app_id, []).append((event_id, index[position], change, value))
        # One row per app and up to BATCH_SIZE events (a delivery's most), keyed by its first event's id.
        rows = [
            (part[0][0], app_id, portal_id, _row_text(templates[app_id], part), len(part), now, now)
            for app_id, entries in by_app.items()
            for part in (entries[i : i + BATCH_SIZE] for i in range(0, len(entries), BATCH_SIZE))
        ]
        OutboxQueries.of(session).insert_events(rows)
        # The worker is woken once the rows are visible: woken before, it would only wait for the write lock.
        if self.wake not in session.after_commit:
            session.after_commit.append(self.wake)


def _row_text(templates: list[Template], part: list[tuple[int, int, Change, Any]]) -> str:
    """The outbox row of these (event id, template index, change, value) of one app, its columns left out
    where nobody has a value."""
    kinds = [kind for _, kind, _, _ in part]
    values = [value for _, _, _, value in part]
    details = [change.details or None for _, _, change, _ in part]
    return row_text(
        templates,
        [event_id for event_id, _, _, _ in part],
        [change.object_id for _, _, change, _ in part],
        kinds if any(kinds) else None,
        values if any(value is not None for value in values) else None,
        details if any(details) else None,
    )


def _template(listener: Listener, object_type_id: str, portal_id: int, occurred_at: int) -> Template:
    """The fields every event of one listener in one write shares, around its own (outbox.py)."""
    subject = "object" if listener.generic else SUBJECTS[object_type_id]
    head = {
        "subscriptionId": listener.subscription_id,
        "portalId": portal_id,
        "appId": listener.app_id,
        "occurredAt": occurred_at,
        "subscriptionType": f"{subject}.{listener.kind}",
    }
    tail: dict[str, Any] = {}
    if listener.kind in _FLAGS:
        tail["changeFlag"] = _FLAGS[listener.kind]
    tail["changeSource"] = CHANGE_SOURCE
    if listener.generic:
        tail["objectTypeId"] = object_type_id
    name = listener.property_name if listener.kind == PROPERTY_CHANGE else None
    return (head, tail, name)
