"""CRM snapshots into the journal (`POST /webhooks-journal/snapshots/2026-03/crm`): each request records the
listed properties' current values of one record as a `SNAPSHOT` event in the app's journal, at once — its
status is SUCCESS from the start (or FAILED when the record does not exist). The record is read as the app's
install in that account may read it (its granted scopes)."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from localspot.apps.journal import errors
from localspot.apps.journal.access import SNAPSHOTS_WRITE, JournalApp
from localspot.apps.journal.events import JournalEvents
from localspot.apps.journal.queries import JournalQueries
from localspot.apps.journal.subscriptions import MAX_ITEMS, MAX_TEXT, Id, checked_type_id
from localspot.crm.objects.inputs import BatchRead, RecordIdInput
from localspot.crm.objects.reads import RecordReads
from localspot.kernel.batch import MAX_BATCH_INPUTS
from localspot.kernel.portals.principal import Principal
from localspot.kernel.storage import Database
from localspot.kernel.timeutil import iso_from_ms


class SnapshotRequest(msgspec.Struct, rename="camel"):
    portal_id: Id
    object_id: Id
    object_type_id: str
    properties: list[str]


class SnapshotBatch(msgspec.Struct, rename="camel"):
    snapshot_requests: list[SnapshotRequest]


class JournalSnapshots:
    def __init__(self, database: Database, reads: RecordReads, events: JournalEvents) -> None:
        self.database = database
        self.reads = reads
        self.events = events

    def create(self, app: JournalApp, body: SnapshotBatch) -> dict[str, Any]:
        app.require(SNAPSHOTS_WRITE)
        requests = body.snapshot_requests
        if not 1 <= len(requests) <= MAX_BATCH_INPUTS:
            raise errors.invalid("snapshotRequests", f"must list 1 to {MAX_BATCH_INPUTS} requests")
        for index, request in enumerate(requests):
            checked_type_id(f"snapshotRequests[{index}].objectTypeId", request.object_type_id)
            if len(request.properties) > MAX_ITEMS or any(not p or len(p) > MAX_TEXT for p in request.properties):
                raise errors.invalid(f"snapshotRequests[{index}].properties", f"at most {MAX_ITEMS} property names")
        # Every account must have the app installed, before anything is read or written.
        with self.database.session(write=False) as session:
            queries = JournalQueries.of(session)
            scopes: dict[int, tuple[str, ...]] = {}
            for portal_id in sorted({r.portal_id for r in requests}):
                granted = queries.installed(app.app_id, portal_id)
                if granted is None:
                    raise errors.not_installed(app.app_id, portal_id)
                scopes[portal_id] = granted
        # The records' values, read per account and type (a missing scope or type is refused here: nothing
        # written yet).
        values: dict[tuple[int, str, int], dict[str, Any]] = {}
        groups: dict[tuple[int, str], list[SnapshotRequest]] = {}
        for request in requests:
            groups.setdefault((request.portal_id, request.object_type_id), []).append(request)
        for (portal_id, type_id), members in groups.items():
            principal = Principal(portal_id, frozenset(scopes[portal_id]))
            names = sorted({name for m in members for name in m.properties})
            read = BatchRead([RecordIdInput(m.object_id) for m in members], properties=names)
            for record in self.reads.batch_read(principal, type_id, read)[1]["results"]:
                values[(portal_id, type_id, int(record["id"]))] = record["properties"]
        answers = []
        with self.database.session(write=True) as session:
            now = session.clock.now_ms()
            rows = []
            events: dict[int, list[dict[str, Any]]] = {}
            for request in requests:
                status_id = str(uuid.uuid4())
                found = values.get((request.portal_id, request.object_type_id, request.object_id))
                if found is None:
                    message = f"No {request.object_type_id} record {request.object_id} in this account."
                    rows.append(
                        (status_id, app.app_id, request.portal_id, "FAILED", "VALIDATION_ERROR", message, now, now)
                    )
                else:
                    rows.append((status_id, app.app_id, request.portal_id, "SUCCESS", None, None, now, now))
                    events.setdefault(request.portal_id, []).append(
                        {
                            "type": "crmObject",
                            "portalId": request.portal_id,
                            "occurredAt": iso_from_ms(now),
                            "action": "SNAPSHOT",
                            "objectTypeId": request.object_type_id,
                            "objectId": request.object_id,
                            "propertyChanges": {name: found.get(name) for name in request.properties},
                        }
                    )
                answers.append(
                    {
                        "portalId": request.portal_id,
                        "objectId": request.object_id,
                        "objectTypeId": request.object_type_id,
                        "snapshotStatusId": status_id,
                    }
                )
            JournalQueries.of(session).insert_snapshots(rows)
            for portal_id, portal_events in events.items():
                self.events.append(session, app.app_id, portal_id, portal_events)
        return {"snapshotResponses": answers}
