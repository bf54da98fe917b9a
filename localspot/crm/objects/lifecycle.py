"""Merging two records into one, erasing a contact for good (GDPR delete), and restoring an archived record."""

from __future__ import annotations

from typing import Any

from localspot.crm.associations.inline import parse_record_id
from localspot.crm.associations.service import AssociationService
from localspot.crm.objects import identity
from localspot.crm.objects.identity import MAX_MERGE_HOPS
from localspot.crm.objects.inputs import GdprDeleteInput, MergeInput
from localspot.crm.objects.queries.history import HistoryQueries
from localspot.crm.objects.queries.lifecycle import LifecycleQueries
from localspot.crm.objects.queries.records import RecordQueries
from localspot.crm.objects.queries.unique import UniqueValueQueries
from localspot.crm.objects.rendering import render_record
from localspot.crm.objects.service import RecordService
from localspot.kernel import errors
from localspot.kernel.portals.principal import Principal
from localspot.kernel.storage import Database, UniqueViolation
from localspot.kernel.storage.events import DELETION, MERGE, PRIVACY_DELETION, RESTORE, Change
from localspot.kernel.storage.records import RecordRow


class RecordLifecycle:
    def __init__(self, database: Database, records: RecordService, associations: AssociationService) -> None:
        self.database = database
        self.records = records
        self.associations = associations

    def merge(self, principal: Principal, type_name: str, body: MergeInput) -> dict[str, Any]:
        """The primary survives with its own values, filling its empty properties from the merged
        record; the merged record's associations move to the primary and it is archived pointing at
        the primary, so reads of its id answer the primary."""
        primary_key, merged_key = str(body.primary_object_id).strip(), str(body.object_id_to_merge).strip()
        portal_id = principal.portal_id
        with self.database.session(write=True) as session:
            merge = ["update", "archive"]
            _, object_type = self.records.open_type(session, principal, type_name, write=True, operations=merge)
            if not object_type.mergeable:
                raise errors.not_mergeable(object_type.name)
            if primary_key == merged_key:
                raise errors.merge_with_itself(primary_key)
            wanted = {key: parse_record_id(key) for key in (primary_key, merged_key)}
            found = RecordQueries.of(session).fetch_records(
                portal_id, object_type.object_type_id, [r for r in wanted.values() if r is not None], lock=True
            )
            for key, record_id in wanted.items():
                if record_id not in found:
                    raise errors.object_not_found(key)
            primary, merged = found[wanted[primary_key]], found[wanted[merged_key]]  # type: ignore[index]
            LifecycleQueries.of(session).mark_merged(portal_id, merged.id, primary.id, self.database.clock.now_ms())
            UniqueValueQueries.of(session).release_all_unique_values(portal_id, [merged.id])
            self.associations.move_all(session, portal_id, merged.id, primary.id)
            missing = {name: value for name, value in merged.properties.items() if not primary.properties.get(name)}
            survivor = self.records.apply_changes(session, portal_id, object_type, primary, missing)
            events = self.records.events
            if events.watches(session, portal_id, object_type.object_type_id):
                details = {
                    "primaryObjectId": primary.id,
                    "mergedObjectIds": [merged.id],
                    "newObjectId": primary.id,
                    "numberOfPropertiesMoved": len(missing),
                }
                events.record(
                    session, portal_id, object_type.object_type_id, [Change(MERGE, primary.id, None, details)]
                )
        return render_record(object_type, survivor)

    def gdpr_delete(self, principal: Principal, type_name: str, body: GdprDeleteInput) -> None:
        """Removes the record, its history, unique values and associations, and every record that was
        merged into it: nothing of it stays stored."""
        portal_id = principal.portal_id
        key = str(body.object_id)
        with self.database.session(write=True) as session:
            _, object_type = self.records.open_type(session, principal, type_name, write=True, operations=["archive"])
            if not object_type.gdpr_deletable:
                raise errors.gdpr_delete_unsupported(object_type.name)
            record_id = identity.resolve_ids(session, principal, object_type, [(key, body.id_property)])[0]
            type_id = object_type.object_type_id
            if record_id is None or not RecordQueries.of(session).fetch_records(
                portal_id, type_id, [record_id], archived=None
            ):
                raise errors.object_not_found(key)
            doomed, layer = [record_id], [record_id]
            for _ in range(MAX_MERGE_HOPS):
                layer = LifecycleQueries.of(session).records_merged_into(portal_id, type_id, layer)
                if not layer:
                    break
                doomed.extend(layer)
            self.associations.delete_all_of(session, portal_id, doomed)
            HistoryQueries.of(session).delete_history(portal_id, doomed)
            UniqueValueQueries.of(session).release_all_unique_values(portal_id, doomed)
            LifecycleQueries.of(session).delete_records(portal_id, doomed)
            if self.records.events.watches(session, portal_id, type_id):
                # HubSpot sends both: the privacy deletion and the ordinary deletion.
                changes = [Change(PRIVACY_DELETION, record_id), Change(DELETION, record_id)]
                self.records.events.record(session, portal_id, type_id, changes)

    def restore(self, principal: Principal, type_name: str, object_id: str) -> dict[str, Any]:
        """An archived record live again, as HubSpot's recycle bin restores it: its unique values claimed back (a
        409 when another record took one meanwhile), its associations shown again (they stayed stored), and a
        `restore` event. A live id, an unknown one and a record merged into another are 404s."""
        portal_id = principal.portal_id
        record_id = parse_record_id(object_id)
        try:
            with self.database.session(write=True) as session:
                _, object_type = self.records.open_type(
                    session, principal, type_name, write=True, operations=["archive"]
                )
                type_id = object_type.object_type_id
                found = RecordQueries.of(session).fetch_records(
                    portal_id, type_id, [record_id] if record_id is not None else [], archived=True, lock=True
                )
                record = found.get(record_id) if record_id is not None else None
                now = self.database.clock.now_ms()
                if record is None or not LifecycleQueries.of(session).restore_record(portal_id, record.id, now):
                    raise errors.object_not_found(object_id)
                unique = UniqueValueQueries.of(session)
                claims = []
                for prop in object_type.unique_properties():
                    value = record.properties.get(prop.name)
                    if not value:
                        continue
                    owner = unique.unique_owners(portal_id, type_id, prop.name, [value]).get(value)
                    if owner is not None:
                        raise errors.unique_value_conflict(type_id, prop.name, value, str(owner))
                    claims.append((prop.name, value, record.id))
                unique.claim_unique_values(portal_id, type_id, claims)
                if self.records.events.watches(session, portal_id, type_id):
                    self.records.events.record(session, portal_id, type_id, [Change(RESTORE, record.id)])
        except UniqueViolation:
            raise errors.unique_value_taken_concurrently() from None
        restored = RecordRow(record.id, type_id, record.created_at, now, False, None, record.properties)
        return render_record(object_type, restored)
