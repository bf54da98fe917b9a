"""A portal of the legacy tests' own, seeded through the modern API: a company, a contact and a deal
associated with both."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest


@dataclass
class Seeded:
    portal_id: int
    client: httpx.Client
    company: dict[str, Any]
    contact: dict[str, Any]
    deal: dict[str, Any]


def create(client: httpx.Client, type_name: str, properties: dict[str, str], **extra: Any) -> dict[str, Any]:
    response = client.post(f"/crm/v3/objects/{type_name}", json={"properties": properties, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def associate(to_id: str, type_id: int) -> dict[str, Any]:
    return {"to": {"id": to_id}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}]}


@pytest.fixture
def seeded(new_portal) -> Seeded:
    portal_id, client = new_portal()
    company = create(client, "companies", {"name": "Acme", "domain": "acme.example"})
    contact = create(client, "contacts", {"email": "ann@acme.example", "firstname": "Ann", "lastname": "Lee"})
    deal = create(
        client,
        "deals",
        {
            "dealname": "Big deal",
            "dealstage": "appointmentscheduled",
            "pipeline": "default",
            "amount": "100",
            "closedate": "2025-01-10T15:00:00Z",
        },
        associations=[associate(company["id"], 5), associate(contact["id"], 3)],
    )
    return Seeded(portal_id, client, company, contact, deal)
