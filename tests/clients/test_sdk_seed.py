"""The seed endpoints through HubSpot's new Python SDK (`hubspot-sdk`), which uses the date-versioned paths
(`/crm/objects/2026-03/...`)."""

from __future__ import annotations

import hubspot_sdk
import pytest
from hubspot_sdk import HubSpot

from tests.conftest import TOKEN
from tests.support.factories import TASK_TIME, create_calls, create_contacts, create_unique_property


@pytest.fixture(scope="module")
def sdk(base_url):
    return HubSpot(access_token=TOKEN, base_url=base_url, max_retries=0)


def test_tasks_batch_create_with_the_sdk(api, sdk, unique):
    contact = create_contacts(api, 1, unique)[0]
    result = sdk.crm.objects.tasks.batch.create(
        inputs=[
            {
                "properties": {"hs_timestamp": TASK_TIME, "hs_task_subject": "From the SDK"},
                "associations": [
                    {
                        "to": {"id": contact["id"]},
                        "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}],
                    }
                ],
            }
        ]
    )
    assert result.status == "COMPLETE"
    [task] = result.results
    assert task.properties["hs_task_subject"] == "From the SDK"
    assert task.created_at.year >= 2025


def test_calls_batch_update_with_the_sdk(api, sdk, unique):
    prop = f"sdk_key_{unique}"
    create_unique_property(api, "calls", prop, "callinformation")
    call = create_calls(api, 1, **{prop: f"k-{unique}"})[0]
    result = sdk.crm.objects.calls.batch.update(
        inputs=[{"id": f"k-{unique}", "idProperty": prop, "properties": {"hs_call_status": "COMPLETED"}}]
    )
    assert [r.id for r in result.results] == [call["id"]]
    assert result.results[0].properties["hs_call_status"] == "COMPLETED"


def test_sdk_sees_hubspot_errors(sdk):
    with pytest.raises(hubspot_sdk.BadRequestError) as raised:
        sdk.crm.objects.tasks.batch.create(inputs=[{"properties": {"hs_task_subject": "no due date"}}])
    assert raised.value.status_code == 400
    assert raised.value.body["category"] == "VALIDATION_ERROR"
