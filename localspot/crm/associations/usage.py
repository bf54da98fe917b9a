"""`POST …/usage/high-usage-report/{userId}`: HubSpot queues a report of the records with many associations
and emails it to that user. localspot answers the receipt (there is no mail to send): when it was queued and
to whom, the user being one of the portal's owners (docs/decisions.md, "Associations")."""

from __future__ import annotations

from typing import Any

from localspot.crm.associations.queries.associations import AssociationQueries
from localspot.crm.associations.queries.labels import AssociationSchemaQueries
from localspot.crm.owners.service import OwnerService
from localspot.kernel import errors
from localspot.kernel.numbers import INT32_MAX
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.storage import Database
from localspot.kernel.timeutil import iso_from_ms


class AssociationUsageService:
    def __init__(self, database: Database, owners: OwnerService) -> None:
        self.database = database
        self.owners = owners

    def high_usage_report(self, principal: Principal, raw_user_id: str) -> dict[str, Any]:
        principal.require(Operation.ASSOCIATIONS_READ)
        if not raw_user_id.isdigit() or int(raw_user_id) > INT32_MAX:
            raise errors.validation_error(f"userId must be a 32-bit integer, got {raw_user_id[:32]!r}.")
        user_id = int(raw_user_id)
        email = self.owners.user_email(principal.portal_id, user_id)
        if email is None:
            raise errors.ApiError(
                404, "OBJECT_NOT_FOUND", f"No user {user_id} in this portal.", context={"userId": [str(user_id)]}
            )
        return {"enqueueTime": iso_from_ms(self.database.clock.now_ms()), "userEmail": email, "userId": user_id}

    def crowded_records(
        self, portal_id: int, at_least: int, *, by_type: bool
    ) -> list[tuple[str, str, int, tuple[str, int] | None, int]]:
        """(from type, to type, from id, association type, records associated) of each live record
        associated with at least `at_least` live records of one object type: under one association type
        (`by_type`), or under any (for the limits area)."""
        with self.database.session(write=False) as session:
            return AssociationQueries.of(session).crowded_records(portal_id, at_least, by_type=by_type)

    def configured_limits(self, portal_id: int) -> dict[tuple[str, str], tuple[tuple[str, int], int]]:
        """Of each (from type, to type) with a limit (maxToObjectIds) set on one of its association types:
        the type with the lowest, and that limit."""
        lowest: dict[tuple[str, str], tuple[tuple[str, int], int]] = {}
        with self.database.session(write=False) as session:
            rows = AssociationSchemaQueries.of(session).association_limits(portal_id)
        for row in rows:
            pair = (row.from_type, row.to_type)
            if pair not in lowest or row.max_to_object_ids < lowest[pair][1]:
                lowest[pair] = ((row.category, row.type_id), row.max_to_object_ids)
        return lowest
