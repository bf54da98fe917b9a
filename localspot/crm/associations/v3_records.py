"""The v3 associations of one record (`/crm/v3/objects/{type}/{id}/associations/{toType}`, and the
`/crm/objects/v3` paths of the appointments spec): association types named as v3 names them (`deal_to_contact`,
or a numeric type id), over the one writer and reader of the v4 APIs."""

from __future__ import annotations

from typing import Any

from localspot.crm.associations.inline import parse_record_id
from localspot.crm.associations.queries.associations import AssociationQueries
from localspot.crm.associations.service import AssociationService, cursor_of, page_of
from localspot.crm.associations.writes import AssociationWriter, PairChange
from localspot.kernel import errors
from localspot.kernel.portals.principal import Principal
from localspot.kernel.schema.model import HUBSPOT_DEFINED

V3_PAGE_SIZE = 500


class V3RecordAssociations:
    def __init__(self, associations: AssociationService) -> None:
        self.associations = associations
        self.database = associations.database

    def list(
        self, principal: Principal, from_name: str, from_raw: str, to_name: str, *, after: str | None, limit: int
    ) -> dict[str, Any]:
        """One `{id, type}` per association type of each associated record, in record id order."""
        cursor = cursor_of(after)
        with self.database.session(write=False) as session:
            pair = self.associations.open_pair(session, principal, from_name, to_name, write=False)
            from_id = self.associations.require_record(session, principal.portal_id, pair.from_type, from_raw)
            rows = AssociationQueries.of(session).read_associations(
                principal.portal_id, [from_id], pair.to_id, after=cursor, limit=limit + 1
            )
        targets, next_after = page_of(rows.get(from_id, []), limit)
        body: dict[str, Any] = {
            "results": [
                {"id": str(to_id), "type": pair.v3_name(category, type_id)}
                for to_id, keys in targets
                for category, type_id in sorted(keys)
            ]
        }
        if next_after is not None:
            body["paging"] = {"next": {"after": next_after}}
        return body

    def create(
        self, principal: Principal, from_name: str, from_raw: str, to_name: str, to_raw: str, type_name: str
    ) -> None:
        """The association of that type (both records must exist); the caller answers with the record."""
        self._write(principal, (from_name, from_raw, to_name, to_raw), type_name, add=True)

    def archive(
        self, principal: Principal, from_name: str, from_raw: str, to_name: str, to_raw: str, type_name: str
    ) -> None:
        """Removes the association of that type; 204 whether or not there was one."""
        self._write(principal, (from_name, from_raw, to_name, to_raw), type_name, add=False)

    def _write(self, principal: Principal, names: tuple[str, str, str, str], type_name: str, *, add: bool) -> None:
        from_name, from_raw, to_name, to_raw = names
        with self.database.session(write=True) as session:
            pair = self.associations.open_pair(session, principal, from_name, to_name, write=True)
            definition = pair.v3_type(type_name)
            if definition is None:
                raise errors.invalid_association_type(pair.from_id, pair.to_id, HUBSPOT_DEFINED, type_name[:60])
            if add:
                from_id, to_id = self.associations.record_pair(session, principal.portal_id, pair, from_raw, to_raw)
                change = PairChange(from_id, to_id, add=[definition])
            else:
                from_id, to_id = parse_record_id(from_raw), parse_record_id(to_raw)
                if from_id is None or to_id is None:
                    return
                change = PairChange(from_id, to_id, remove=[definition])
            writer = AssociationWriter(session, pair.schema, principal.portal_id, pair.from_type, pair.to_type)
            failures, _ = writer.apply([change])
            if failures:
                raise failures[0]
