"""Property definitions and records for the properties API tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.asserts import ISO_MS

PREFIXES = ("/crm/v3/properties", "/crm/properties/2026-03")
# (object type path name, a HubSpot-defined group of that type, a minimal valid record of that type)
TYPES: dict[str, tuple[str, dict[str, str]]] = {
    "contacts": ("contactinformation", {}),
    "deals": ("dealinformation", {"dealname": "d", "dealstage": "appointmentscheduled", "pipeline": "default"}),
    "tickets": ("ticketinformation", {"subject": "s", "hs_pipeline": "0", "hs_pipeline_stage": "1"}),
    "calls": ("callinformation", {"hs_timestamp": "2025-01-10T15:00:00.000Z"}),
}


def definition(name: str, group: str, **overrides: Any) -> dict[str, Any]:
    return {
        "name": name,
        "label": f"Label {name}",
        "type": "string",
        "fieldType": "text",
        "groupName": group,
        **overrides,
    }


def enumeration(name: str, group: str, values: list[str], **overrides: Any) -> dict[str, Any]:
    options = [{"label": v.title(), "value": v} for v in values]
    return definition(name, group, type="enumeration", fieldType="select", options=options, **overrides)


def create(api: httpx.Client, type_name: str, body: dict[str, Any], prefix: str = PREFIXES[0]) -> dict[str, Any]:
    response = api.post(f"{prefix}/{type_name}", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def expected_property(body: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """The full Property a custom definition renders as (timestamps checked separately)."""
    return {
        "name": body["name"],
        "label": body["label"],
        "type": body["type"],
        "fieldType": body["fieldType"],
        "description": body.get("description", ""),
        "groupName": body["groupName"],
        "options": [
            {
                "label": o["label"],
                "value": o["value"],
                "description": o.get("description", ""),
                "displayOrder": o.get("displayOrder", -1),
                "hidden": o.get("hidden", False),
            }
            for o in body.get("options", [])
        ],
        "displayOrder": body.get("displayOrder", -1),
        "calculated": body["fieldType"] == "calculation_equation",
        "externalOptions": False,
        "hasUniqueValue": body.get("hasUniqueValue", False),
        "hidden": body.get("hidden", False),
        "hubspotDefined": False,
        "formField": body.get("formField", False),
        "archived": False,
        "dataSensitivity": "non_sensitive",
        "modificationMetadata": {"archivable": True, "readOnlyDefinition": False, "readOnlyValue": False},
        **overrides,
    }


def without_stamps(prop: dict[str, Any]) -> dict[str, Any]:
    """The property minus createdAt/updatedAt/archivedAt, after checking they are ISO with milliseconds."""
    rest = dict(prop)
    for key in ("createdAt", "updatedAt", "archivedAt"):
        if key in rest:
            assert ISO_MS.match(rest.pop(key)), prop
    return rest


def create_record(api: httpx.Client, type_name: str, properties: dict[str, str]) -> dict[str, Any]:
    base = TYPES[type_name][1]
    response = api.post(
        f"/crm/v3/objects/{type_name}/batch/create", json={"inputs": [{"properties": {**base, **properties}}]}
    )
    assert response.status_code == 201, response.text
    return response.json()["results"][0]


def read_record(api: httpx.Client, type_name: str, record_id: str) -> dict[str, str]:
    response = api.post(
        f"/crm/v3/objects/{type_name}/batch/update", json={"inputs": [{"id": record_id, "properties": {}}]}
    )
    assert response.status_code == 200, response.text
    return response.json()["results"][0]["properties"]
