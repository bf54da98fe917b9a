"""What the CRM tells the rest of the server about its changes: each write path describes what it changed to
an EventSink, inside the transaction that makes the change, so whatever the sink stores commits or rolls back
with it. The app platform implements the sinks (webhook events, the webhooks journal), told together through
`FanOut`; the CRM knows only this interface."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from localspot.kernel.storage.session import Session

CREATION = "creation"
DELETION = "deletion"
PROPERTY_CHANGE = "propertyChange"
ASSOCIATION_CHANGE = "associationChange"
MERGE = "merge"
RESTORE = "restore"
PRIVACY_DELETION = "privacyDeletion"


@dataclass(slots=True)
class Change:
    """One change to one record. `properties`: a creation's values, or a property change's new values (an
    empty string for a cleared one). `details`: what else the kind says (a merge's ids, an association's
    other side), in HubSpot's payload names."""

    kind: str
    object_id: int
    properties: dict[str, str] | None = None
    details: dict[str, Any] | None = None
    # An association change's other side: its object type id (not part of any payload's details).
    other_type_id: str | None = None


class EventSink(Protocol):
    def watches(self, session: Session, portal_id: int, object_type_id: str) -> bool:
        """Whether anything listens to this portal's records of this type: when not, the writer builds no
        Change at all (the common case, kept as cheap as a dictionary lookup)."""
        ...

    def record(self, session: Session, portal_id: int, object_type_id: str, changes: Sequence[Change]) -> None:
        """Stores what the changes mean to the listeners, in `session`'s transaction."""
        ...


class NoEvents:
    """The sink of a server part that nobody listens to (and of tests that build services alone)."""

    def watches(self, session: Session, portal_id: int, object_type_id: str) -> bool:
        return False

    def record(self, session: Session, portal_id: int, object_type_id: str, changes: Sequence[Change]) -> None:
        return None


def emit(sink: EventSink, session: Session, portal_id: int, object_type_id: str, changes: Sequence[Change]) -> None:
    if changes:
        sink.record(session, portal_id, object_type_id, changes)


class FanOut:
    """Several sinks told as one: each change goes to every sink that watches its portal and type."""

    def __init__(self, *sinks: EventSink) -> None:
        self.sinks = sinks

    def watches(self, session: Session, portal_id: int, object_type_id: str) -> bool:
        return any(sink.watches(session, portal_id, object_type_id) for sink in self.sinks)

    def record(self, session: Session, portal_id: int, object_type_id: str, changes: Sequence[Change]) -> None:
        for sink in self.sinks:
            if sink.watches(session, portal_id, object_type_id):
                sink.record(session, portal_id, object_type_id, changes)
