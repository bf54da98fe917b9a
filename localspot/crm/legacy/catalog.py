"""The legacy definitions: properties and groups (v1/v2), pipelines (deals v1, CRM pipelines v1) and owners
(v2), each read through the modern area's service and reshaped."""

from __future__ import annotations

from typing import Any

from localspot.crm.deal_splits.service import DealSplitService
from localspot.crm.legacy import shapes
from localspot.crm.owners.service import MAX_LIMIT as OWNERS_PAGE
from localspot.crm.owners.service import OwnerService
from localspot.crm.pipelines.service import PipelineService
from localspot.crm.properties.groups import PropertyGroupService
from localspot.crm.properties.service import PropertyService
from localspot.kernel import errors
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.scopes import Operation

# CRM pipelines v1 names its object types in capitals, with the standard types' ids.
_PIPELINE_TYPES = {
    "deals": ("DEAL", "0-3"),
    "deal": ("DEAL", "0-3"),
    "tickets": ("TICKET", "0-5"),
    "ticket": ("TICKET", "0-5"),
}

# Forms' properties: localspot serves no forms, so only those every HubSpot object type has.
_FORM_PROPERTIES = (
    ("hs_createdate", "Create date", "datetime", "date"),
    ("hs_lastmodifieddate", "Last modified date", "datetime", "date"),
    ("hs_object_id", "Record ID", "number", "number"),
)


class LegacyCatalog:
    def __init__(
        self,
        properties: PropertyService,
        groups: PropertyGroupService,
        pipelines: PipelineService,
        owners: OwnerService,
        deal_splits: DealSplitService,
    ) -> None:
        self.properties = properties
        self.deal_splits = deal_splits
        self.groups = groups
        self.pipelines = pipelines
        self.owners = owners

    # --- properties ------------------------------------------------------------------------------------

    def property_list(self, principal: Principal, type_name: str) -> list[dict[str, Any]]:
        found = self._outside_schema(principal, type_name)
        if found is None:
            found = self.properties.list(principal, type_name)["results"]
        return [shapes.legacy_property(p) for p in found]

    def property_one(self, principal: Principal, type_name: str, name: str) -> dict[str, Any]:
        found = self._outside_schema(principal, type_name)
        if found is None:
            return shapes.legacy_property(self.properties.get(principal, type_name, name))
        for prop in found:
            if prop["name"] == name:
                return shapes.legacy_property(prop)
        raise errors.property_not_found(type_name, name)

    def _outside_schema(self, principal: Principal, type_name: str) -> list[dict[str, Any]] | None:
        """The properties of the two types the legacy list names that are no CRM object type of localspot's
        schema (docs/decisions.md, "Legacy paths"): deal splits' (their area's) and forms' (none: localspot
        serves no forms). None for any other name."""
        lowered = type_name.lower()
        if lowered == "deal_split":
            rows, group = self.deal_splits.property_rows(principal), "dealsplitinformation"
        elif lowered == "form":
            principal.require(Operation.FORMS_READ)
            rows, group = _FORM_PROPERTIES, "forminformation"
        else:
            return None
        return [shapes.defined_property(*row, group) for row in rows]

    def group_list(self, principal: Principal, type_name: str, *, include_properties: bool) -> list[dict[str, Any]]:
        members = self._members(principal, type_name)
        return [
            shapes.legacy_group(
                g, members.get(g["name"], []), portal_id=principal.portal_id, include_properties=include_properties
            )
            for g in self.groups.list(principal, type_name)["results"]
        ]

    def group_one(self, principal: Principal, type_name: str, name: str, *, include_properties: bool) -> dict[str, Any]:
        group = self.groups.get(principal, type_name, name)
        members = self._members(principal, type_name).get(group["name"], [])
        return shapes.legacy_group(group, members, portal_id=principal.portal_id, include_properties=include_properties)

    def _members(self, principal: Principal, type_name: str) -> dict[str, list[dict[str, Any]]]:
        members: dict[str, list[dict[str, Any]]] = {}
        for prop in self.properties.list(principal, type_name)["results"]:
            members.setdefault(prop.get("groupName") or "", []).append(prop)
        return members

    # --- pipelines -------------------------------------------------------------------------------------

    def deal_pipelines(self, principal: Principal) -> list[dict[str, Any]]:
        found = self.pipelines.list(principal, "deals")["results"]
        return [shapes.deal_pipeline(p, portal_id=principal.portal_id) for p in found]

    def deal_pipeline(self, principal: Principal, pipeline_id: str) -> dict[str, Any]:
        return shapes.deal_pipeline(self.pipelines.get(principal, "deals", pipeline_id), portal_id=principal.portal_id)

    def crm_pipelines(self, principal: Principal, type_name: str) -> dict[str, Any]:
        found = self.pipelines.list(principal, type_name)["results"]
        legacy_type, type_id = _PIPELINE_TYPES.get(type_name.lower(), (type_name.upper(), type_name))
        return {"results": [shapes.crm_pipeline(p, object_type=legacy_type, object_type_id=type_id) for p in found]}

    # --- owners ----------------------------------------------------------------------------------------

    def owner_list(self, principal: Principal, *, email: str | None, include_inactive: bool) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for archived in (False, True) if include_inactive else (False,):
            after: str | None = None
            while True:
                page = self.owners.list(principal, after=after, limit=OWNERS_PAGE, archived=archived, email=email)
                found.extend(page["results"])
                if "paging" not in page:
                    break
                after = page["paging"]["next"]["after"]
        found.sort(key=lambda owner: int(owner["id"]))
        return [shapes.legacy_owner(o, portal_id=principal.portal_id) for o in found]

    def owner_one(self, principal: Principal, owner_id: str) -> dict[str, Any]:
        owner = self.owners.get(principal, owner_id, id_property="id", archived=False)
        return shapes.legacy_owner(owner, portal_id=principal.portal_id)
