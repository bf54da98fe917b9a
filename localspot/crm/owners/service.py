"""Owners: read-only through HubSpot's API; created locally with `localspot owner create`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from localspot.crm.owners.queries import OwnerQueries, OwnerRow
from localspot.kernel import errors
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.storage import Database
from localspot.kernel.storage.portals import PortalQueries
from localspot.kernel.timeutil import iso_from_ms

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
# Owner ids and user ids are different numbers on HubSpot; keeping them apart catches integrations that
# put a userId into hubspot_owner_id.
USER_ID_OFFSET = 10_000_000


def render_owner(owner: OwnerRow) -> dict[str, Any]:
    return {
        "id": str(owner.id),
        "email": owner.email,
        "type": owner.type,
        "firstName": owner.first_name,
        "lastName": owner.last_name,
        "userId": None if owner.archived else owner.user_id,
        "userIdIncludingInactive": owner.user_id,
        "createdAt": iso_from_ms(owner.created_at),
        "updatedAt": iso_from_ms(owner.updated_at),
        "archived": owner.archived,
        "teams": [],
    }


class OwnerService:
    def __init__(self, database: Database) -> None:
        self.database = database

    def list(
        self, principal: Principal, *, after: str | None, limit: int, archived: bool, email: str | None
    ) -> dict[str, Any]:
        principal.require(Operation.OWNERS_READ)
        after_id = int(after) - 1 if after and after.isdigit() else 0
        with self.database.session(write=False) as session:
            owners = OwnerQueries.of(session).list_owners(
                principal.portal_id, after_id=after_id, limit=limit + 1, archived=archived, email=email
            )
        body: dict[str, Any] = {"results": [render_owner(o) for o in owners[:limit]]}
        if len(owners) > limit:
            body["paging"] = {"next": {"after": str(owners[limit].id)}}
        return body

    def get(self, principal: Principal, owner_id: str, *, id_property: str, archived: bool) -> dict[str, Any]:
        principal.require(Operation.OWNERS_READ)
        if id_property not in ("id", "userId"):
            raise errors.validation_error(f"idProperty must be id or userId, got {id_property!r}.")
        if not owner_id.isdigit() or len(owner_id) > 18:
            raise errors.object_not_found(owner_id)
        column = "id" if id_property == "id" else "user_id"
        with self.database.session(write=False) as session:
            owner = OwnerQueries.of(session).find_owner(
                principal.portal_id, column=column, value=int(owner_id), archived=archived
            )
        if owner is None:
            raise errors.object_not_found(owner_id)
        return render_owner(owner)

    def user_email(self, portal_id: int, user_id: int) -> str | None:
        """The email of the active user with that userId in the portal, if there is one (for other areas)."""
        with self.database.session(write=False) as session:
            owner = OwnerQueries.of(session).find_owner(portal_id, column="user_id", value=user_id, archived=False)
        return None if owner is None else owner.email

    def active_owner_ids(self, portal_id: int, owner_ids: Iterable[int]) -> set[int]:
        """Those of `owner_ids` that are active owners of the portal (for other areas)."""
        with self.database.session(write=False) as session:
            queries = OwnerQueries.of(session)
            return {
                owner_id
                for owner_id in set(owner_ids)
                if queries.find_owner(portal_id, column="id", value=owner_id, archived=False) is not None
            }

    def create(
        self, portal_id: int, *, email: str, first_name: str | None = None, last_name: str | None = None
    ) -> dict[str, Any]:
        now = self.database.clock.now_ms()
        with self.database.session(write=True) as session:
            PortalQueries.of(session).ensure_portal(portal_id, now)
            owner_id = session.reserve_ids(1)[0]
            owner = OwnerRow(
                owner_id, email, first_name, last_name, USER_ID_OFFSET + owner_id, "PERSON", False, now, now
            )
            OwnerQueries.of(session).insert_owner(portal_id, owner)
        return render_owner(owner)
