"""The legacy JSON shapes, made from the modern areas' rendered bodies: properties and groups, property
values with their versions, pipelines and owners. Pure functions: no storage, no principal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from localspot.kernel.timeutil import parse_instant_ms

# The v3 property types the legacy APIs spell otherwise.
_LEGACY_TYPES = {"dateTime": "datetime"}
# Where the legacy shapes put a modern source type they have no name of their own for.
_DEFAULT_SOURCE = "API"


def ms(value: str | None) -> int | None:
    """Epoch milliseconds of a modern ISO timestamp (None stays None)."""
    return None if value is None else parse_instant_ms(value)


def defined_property(name: str, label: str, kind: str, field_type: str, group: str) -> dict[str, Any]:
    """A read-only HubSpot-defined property of a type outside localspot's schema, in the v3 shape
    `legacy_property` reads (an owner property references the owners)."""
    return {
        "name": name,
        "label": label,
        "type": kind,
        "fieldType": field_type,
        "groupName": group,
        "hubspotDefined": True,
        "modificationMetadata": {"archivable": False, "readOnlyDefinition": True, "readOnlyValue": True},
        "referencedObjectType": "OWNER" if name == "hubspot_owner_id" else None,
    }


def legacy_property(prop: Mapping[str, Any]) -> dict[str, Any]:
    """A property in the properties v1/v2 shape (also companies v2's and deals v1's own property lists)."""
    meta = prop.get("modificationMetadata", {})
    return {
        "name": prop["name"],
        "label": prop["label"],
        "description": prop.get("description", ""),
        "groupName": prop.get("groupName"),
        "type": _LEGACY_TYPES.get(prop["type"], prop["type"]),
        "fieldType": prop["fieldType"],
        # The v3 options with the two keys the legacy ones add.
        "options": [{**o, "readOnly": False, "doubleData": None} for o in prop.get("options", [])],
        "displayOrder": prop.get("displayOrder", -1),
        "hidden": prop.get("hidden", False),
        "calculated": prop.get("calculated", False),
        "externalOptions": prop.get("externalOptions", False),
        "formField": prop.get("formField", False),
        "hubspotDefined": prop.get("hubspotDefined", False),
        "readOnlyValue": meta.get("readOnlyValue", False),
        "readOnlyDefinition": meta.get("readOnlyDefinition", False),
        "mutableDefinitionNotDeletable": prop.get("hubspotDefined", False),
        "hasUniqueValue": prop.get("hasUniqueValue", False),
        "deleted": prop.get("archived", False),
        "favorited": False,
        "favoritedOrder": -1,
        "displayMode": "current_value",
        "showCurrencySymbol": prop.get("showCurrencySymbol", False),
        "currencyPropertyName": prop.get("currencyPropertyName"),
        "numberDisplayHint": prop.get("numberDisplayHint"),
        "textDisplayHint": prop.get("textDisplayHint"),
        "referencedObjectType": prop.get("referencedObjectType"),
        "calculationFormula": prop.get("calculationFormula"),
        "searchableInGlobalSearch": False,
        "isCustomizedDefault": False,
        "createdUserId": None,
        "updatedUserId": None,
        "createdAt": ms(prop.get("createdAt")),
        "updatedAt": ms(prop.get("updatedAt")),
    }


def legacy_group(
    group: Mapping[str, Any], properties: Sequence[Mapping[str, Any]], *, portal_id: int, include_properties: bool
) -> dict[str, Any]:
    """A property group in the properties v1/v2 shape; `properties` are the modern bodies of its members."""
    body: dict[str, Any] = {
        "portalId": portal_id,
        "name": group["name"],
        "displayName": group["label"],
        "displayOrder": group.get("displayOrder", -1),
        "hubspotDefined": any(p.get("hubspotDefined", False) for p in properties),
    }
    if include_properties:
        body["properties"] = [legacy_property(p) for p in properties]
    return body


def legacy_value(value: str | None, prop_type: str | None) -> str | None:
    """A stored value as the legacy APIs send it: dates and datetimes as epoch milliseconds."""
    if value is None or value == "":
        return None
    if prop_type in ("date", "datetime", "dateTime"):
        stamp = parse_instant_ms(value)
        return value if stamp is None else str(stamp)
    return value


def legacy_values(
    record: Mapping[str, Any], types: Mapping[str, str], *, all_versions: frozenset[str] | set[str], versions: bool
) -> dict[str, Any]:
    """A modern record's properties (read with their histories) as the legacy `properties` object: each set
    value with its timestamp, source and `versions` (newest first; every version for the names in
    `all_versions` or for all with "*", else the newest one). `versions=False`: the contacts v1 form,
    `{"value": …}` (with `versions` for the names in `all_versions`)."""
    histories = record.get("propertiesWithHistory", {})
    body: dict[str, Any] = {}
    for name, raw in record["properties"].items():
        prop_type = types.get(name)
        value = legacy_value(raw, prop_type)
        if value is None:
            continue
        entries = [e for e in histories.get(name, []) if e.get("value") not in (None, "")]
        if not entries or entries[0]["value"] != raw:
            # A value kept without history (the modified date, set on every write): as of the last write.
            entries.insert(0, {"value": raw, "timestamp": record.get("updatedAt"), "sourceType": "CALCULATED"})
        if not versions:
            body[name] = {"value": value}
            if name in all_versions:
                body[name]["versions"] = [_contact_version(name, e, prop_type) for e in entries]
            continue
        kept = entries if name in all_versions or "*" in all_versions else entries[:1]
        newest = _version(name, entries[0], prop_type)
        body[name] = {
            "value": value,
            "timestamp": newest["timestamp"],
            "source": newest["source"],
            "sourceId": None,
            "versions": [_version(name, e, prop_type) for e in kept],
        }
    return body


def _version(name: str, entry: Mapping[str, Any], prop_type: str | None) -> dict[str, Any]:
    return {
        "name": name,
        "value": legacy_value(entry["value"], prop_type),
        "timestamp": ms(entry["timestamp"]),
        "source": entry.get("sourceType") or _DEFAULT_SOURCE,
        "sourceVid": [],
    }


def _contact_version(name: str, entry: Mapping[str, Any], prop_type: str | None) -> dict[str, Any]:
    return {
        "value": legacy_value(entry["value"], prop_type),
        "source-type": entry.get("sourceType") or _DEFAULT_SOURCE,
        "source-id": None,
        "source-label": None,
        "timestamp": ms(entry["timestamp"]),
        "selected": False,
    }


def associated_ids(record: Mapping[str, Any], type_name: str) -> list[int]:
    """The ids of a modern record's associated records of one type (read with `associations`)."""
    found = record.get("associations", {}).get(type_name, {}).get("results", [])
    return sorted({int(a["id"]) for a in found})


def _probability(stage: Mapping[str, Any]) -> float | None:
    raw = stage.get("metadata", {}).get("probability")
    try:
        return None if raw is None else float(raw)
    except ValueError:
        return None


def deal_pipeline(pipeline: Mapping[str, Any], *, portal_id: int) -> dict[str, Any]:
    """A deal pipeline in the deals v1 shape (`/deals/v1/pipelines`)."""
    return {
        "portalId": portal_id,
        "pipelineId": pipeline["id"],
        "label": pipeline["label"],
        "displayOrder": pipeline.get("displayOrder", 0),
        "active": not pipeline.get("archived", False),
        "staticDefault": pipeline["id"] == "default",
        "stages": [
            {
                "stageId": s["id"],
                "label": s["label"],
                "probability": _probability(s),
                "active": not s.get("archived", False),
                "displayOrder": s.get("displayOrder", 0),
                "closedWon": _probability(s) == 1.0,
            }
            for s in pipeline.get("stages", [])
        ],
    }


def crm_pipeline(pipeline: Mapping[str, Any], *, object_type: str, object_type_id: str) -> dict[str, Any]:
    """A pipeline in the CRM pipelines v1 shape (`/crm-pipelines/v1/pipelines/{objectType}`)."""
    return {
        "pipelineId": pipeline["id"],
        "objectType": object_type,
        "objectTypeId": object_type_id,
        "label": pipeline["label"],
        "displayOrder": pipeline.get("displayOrder", 0),
        "active": not pipeline.get("archived", False),
        "default": pipeline["id"] == "default",
        "createdAt": ms(pipeline.get("createdAt")),
        "updatedAt": ms(pipeline.get("updatedAt")),
        "stages": [
            {
                "stageId": s["id"],
                "label": s["label"],
                "displayOrder": s.get("displayOrder", 0),
                "metadata": s.get("metadata", {}),
                "active": not s.get("archived", False),
                "createdAt": ms(s.get("createdAt")),
                "updatedAt": ms(s.get("updatedAt")),
            }
            for s in pipeline.get("stages", [])
        ],
    }


def legacy_owner(owner: Mapping[str, Any], *, portal_id: int) -> dict[str, Any]:
    """An owner in the owners v2 shape (`/owners/v2/owners`)."""
    owner_id = int(owner["id"])
    active = not owner.get("archived", False)
    return {
        "portalId": portal_id,
        "ownerId": owner_id,
        "type": owner.get("type", "PERSON"),
        "firstName": owner.get("firstName") or "",
        "lastName": owner.get("lastName") or "",
        "email": owner.get("email"),
        "createdAt": ms(owner.get("createdAt")),
        "updatedAt": ms(owner.get("updatedAt")),
        "remoteList": [
            {
                "id": owner_id,
                "portalId": portal_id,
                "ownerId": owner_id,
                "remoteId": str(owner.get("userIdIncludingInactive")),
                "remoteType": "HUBSPOT",
                "active": active,
            }
        ],
        "hasContactsAccess": active,
        "activeUserId": owner.get("userId"),
        "userIdIncludingInactive": owner.get("userIdIncludingInactive"),
        "isActive": active,
    }
