"""Custom object types: a stored schema definition becomes an ObjectType and its association types, so
the one engine serves custom objects exactly as it serves the standard ones."""

from __future__ import annotations

from typing import Any

from localspot.kernel.schema.model import USER_DEFINED, AssociationType, ObjectType

CUSTOM_READ_SCOPES = ("crm.objects.custom.read",)
CUSTOM_WRITE_SCOPES = ("crm.objects.custom.write",)
SYSTEM_PROPERTIES = (
    {"name": "hs_object_id", "label": "Record ID", "type": "number", "fieldType": "number", "readOnly": True},
    {"name": "hs_createdate", "label": "Create date", "type": "datetime", "fieldType": "date", "readOnly": True},
    {
        "name": "hs_lastmodifieddate",
        "label": "Last modified date",
        "type": "datetime",
        "fieldType": "date",
        "readOnly": True,
    },
    # Custom objects have pipelines as tickets do (docs/decisions.md, "Custom objects"): no default pipeline,
    # the options come from the portal's own pipelines.
    {"name": "hs_pipeline", "label": "Pipeline", "type": "enumeration", "fieldType": "select", "options": []},
    {
        "name": "hs_pipeline_stage",
        "label": "Pipeline stage",
        "type": "enumeration",
        "fieldType": "select",
        "options": [],
    },
)


def group_name(name: str) -> str:
    return f"{name}_information"


def fully_qualified_name(portal_id: int, name: str) -> str:
    return f"p{portal_id}_{name}"


def object_type_from_schema(definition: dict[str, Any]) -> ObjectType:
    """The engine's view of a stored custom schema (see service/object_schemas.py for its shape)."""
    name = definition["name"]
    group = group_name(name)
    properties = [
        {**prop, "groupName": prop.get("groupName") or group}
        for prop in (*SYSTEM_PROPERTIES, *definition["properties"])
    ]
    return ObjectType.from_dict(
        {
            "name": definition["fullyQualifiedName"],
            "objectTypeId": definition["objectTypeId"],
            "singular": name,
            "plural": definition["fullyQualifiedName"],
            "errorName": name.upper(),
            "aliases": [name, f"p_{name}"],
            "createdProperty": "hs_createdate",
            "modifiedProperty": "hs_lastmodifieddate",
            "requiredProperties": definition.get("requiredProperties", []),
            "defaultProperties": ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
            "searchableProperties": definition.get("searchableProperties", []),
            "primaryDisplayProperty": definition.get("primaryDisplayProperty"),
            "readScopes": list(CUSTOM_READ_SCOPES),
            "writeScopes": list(CUSTOM_WRITE_SCOPES),
            "mergeable": True,
            "pipelineProperty": "hs_pipeline",
            "stageProperty": "hs_pipeline_stage",
            "groups": [{"name": group, "label": f"{definition['labels']['singular']} information", "displayOrder": 0}],
            "properties": properties,
        },
        custom=True,
    )


def association_types_from_schema(definition: dict[str, Any]) -> list[AssociationType]:
    """Each association definition of the schema, in both directions."""
    types: list[AssociationType] = []
    for association in definition.get("associations", []):
        forward, inverse = int(association["id"]), int(association["inverseId"])
        from_id, to_id = association["fromObjectTypeId"], association["toObjectTypeId"]
        types.append(
            AssociationType(from_id, to_id, forward, USER_DEFINED, association["name"], None, inverse, is_default=True)
        )
        types.append(
            AssociationType(
                to_id, from_id, inverse, USER_DEFINED, association["inverseName"], None, forward, is_default=True
            )
        )
    return types
