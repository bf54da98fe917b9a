"""Creating records through the API for tests."""

from __future__ import annotations

from typing import Any

import httpx

TASK_TIME = "2025-01-10T15:00:00.000Z"


def batch_create(api: httpx.Client, type_name: str, inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    response = api.post(f"/crm/v3/objects/{type_name}/batch/create", json={"inputs": inputs})
    assert response.status_code == 201, response.text
    return response.json()["results"]


def create_contacts(api: httpx.Client, count: int, tag: str) -> list[dict[str, Any]]:
    return batch_create(
        api,
        "contacts",
        [{"properties": {"email": f"c{i}-{tag}@example.com", "firstname": f"C{i}"}} for i in range(count)],
    )


def create_calls(api: httpx.Client, count: int, **properties: str) -> list[dict[str, Any]]:
    return batch_create(
        api,
        "calls",
        [{"properties": {"hs_timestamp": TASK_TIME, "hs_call_title": f"call {i}", **properties}} for i in range(count)],
    )


def create_unique_property(api: httpx.Client, type_name: str, name: str, group: str) -> dict[str, Any]:
    response = api.post(
        f"/crm/v3/properties/{type_name}",
        json={
            "name": name,
            "label": name,
            "type": "string",
            "fieldType": "text",
            "groupName": group,
            "hasUniqueValue": True,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


MINIMAL_PROPERTIES: dict[str, dict[str, str]] = {
    "contacts": {},
    "companies": {"name": "Acme"},
    "deals": {"dealname": "Big", "pipeline": "default", "dealstage": "appointmentscheduled"},
    "tickets": {"subject": "Broken", "hs_pipeline": "0", "hs_pipeline_stage": "1"},
    "tasks": {"hs_timestamp": TASK_TIME},
    "calls": {"hs_timestamp": TASK_TIME},
    "notes": {"hs_timestamp": TASK_TIME},
    "meetings": {"hs_timestamp": TASK_TIME},
    "emails": {"hs_timestamp": TASK_TIME, "hs_email_direction": "EMAIL"},
    "products": {"name": "Widget"},
    "line_items": {"name": "Widget"},
    "quotes": {"hs_title": "Offer", "hs_expiration_date": "2025-02-01T00:00:00.000Z"},
    "communications": {
        "hs_timestamp": TASK_TIME,
        "hs_communication_channel_type": "SMS",
        "hs_communication_logged_from": "CRM",
    },
    "invoices": {"hs_currency": "USD"},
    "subscriptions": {"hs_name": "Monthly"},
    "goal_targets": {"hs_goal_name": "Q1 revenue"},
    "discounts": {"hs_label": "Launch", "hs_type": "PERCENT", "hs_value": "10"},
    "fees": {"hs_label": "Setup", "hs_type": "FIXED", "hs_value": "50"},
    "taxes": {"hs_label": "VAT", "hs_type": "PERCENT", "hs_value": "20"},
    "commerce_payments": {"hs_initial_amount": "100"},
    "users": {"hs_email": "user@example.com"},
    "postal_mail": {"hs_timestamp": TASK_TIME},
    "orders": {"hs_order_name": "Order 1", "hs_pipeline": "default", "hs_pipeline_stage": "checkout_pending"},
    "leads": {"hs_lead_name": "Lead 1", "hs_pipeline": "lead-pipeline-id", "hs_pipeline_stage": "new-stage-id"},
    "carts": {"hs_cart_name": "Cart 1"},
    "services": {"hs_name": "Onboarding"},
    "courses": {"hs_course_name": "Basics"},
    "listings": {"hs_name": "12 Main St"},
    "appointments": {"hs_appointment_name": "Visit"},
    "projects": {"hs_name": "Launch"},
}


def create_records(api: httpx.Client, type_name: str, count: int) -> list[str]:
    """Ids of `count` new records of any standard type, with the least each type requires."""
    return [r["id"] for r in batch_create(api, type_name, [{"properties": MINIMAL_PROPERTIES[type_name]}] * count)]
