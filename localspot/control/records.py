"""`POST /_localspot/portals/{portalId}/objects/{objectType}/{objectId}/restore`: an archived record restored, as
HubSpot's recycle bin does (HubSpot's API has no restore). The objects area's lifecycle service does the
restore; this checks the portal and acts with every scope in it."""

from __future__ import annotations

from typing import Any

from localspot.control import errors
from localspot.crm.objects.lifecycle import RecordLifecycle
from localspot.kernel.portals.principal import Principal
from localspot.kernel.storage import Database
from localspot.kernel.storage.portals import ALL_SCOPES, PortalQueries


class RecordRestore:
    def __init__(self, database: Database, lifecycle: RecordLifecycle) -> None:
        self.database = database
        self.lifecycle = lifecycle

    def restore(self, portal_id: int, type_name: str, object_id: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            if not PortalQueries.of(session).portals(portal_id):
                raise errors.portal_not_found(portal_id)
        return self.lifecycle.restore(Principal(portal_id, frozenset({ALL_SCOPES})), type_name, object_id)
