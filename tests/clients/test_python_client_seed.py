"""The seed endpoints through HubSpot's official Python client (hubspot-api-client)."""

from __future__ import annotations

from hubspot.crm.objects.calls import BatchInputSimplePublicObjectBatchInput, SimplePublicObjectBatchInput
from hubspot.crm.objects.tasks import (
    AssociationSpec,
    BatchInputSimplePublicObjectBatchInputForCreate,
    PublicAssociationsForObject,
    PublicObjectId,
    SimplePublicObjectBatchInputForCreate,
)

from tests.support.factories import TASK_TIME, create_calls, create_contacts, create_unique_property


def test_tasks_batch_create_with_the_python_client(api, hubspot_client, unique):
    contact = create_contacts(api, 1, unique)[0]
    batch = BatchInputSimplePublicObjectBatchInputForCreate(
        inputs=[
            SimplePublicObjectBatchInputForCreate(
                properties={"hs_timestamp": TASK_TIME, "hs_task_subject": "From Python", "hs_task_priority": "HIGH"},
                associations=[
                    PublicAssociationsForObject(
                        to=PublicObjectId(id=contact["id"]),
                        types=[AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=204)],
                    )
                ],
            )
        ]
    )
    result = hubspot_client.crm.objects.tasks.batch_api.create(batch)
    assert result.status == "COMPLETE"
    assert len(result.results) == 1
    task = result.results[0]
    assert task.properties["hs_task_subject"] == "From Python"
    assert task.properties["hs_object_id"] == task.id
    assert task.created_at.year >= 2025 and task.archived is False


def test_tasks_batch_create_partial_with_the_python_client(hubspot_client):
    batch = BatchInputSimplePublicObjectBatchInputForCreate(
        inputs=[
            SimplePublicObjectBatchInputForCreate(properties={"hs_timestamp": TASK_TIME}, object_write_trace_id="a"),
            SimplePublicObjectBatchInputForCreate(properties={"hs_task_subject": "no time"}, object_write_trace_id="b"),
        ]
    )
    result = hubspot_client.crm.objects.tasks.batch_api.create(batch)
    assert type(result).__name__ == "BatchResponseSimplePublicObjectWithErrors"
    assert result.num_errors == 1
    assert result.errors[0].context == {"objectWriteTraceId": ["b"]}
    assert [r.object_write_trace_id for r in result.results] == ["a"]


def test_calls_batch_update_by_unique_property_with_the_python_client(api, hubspot_client, unique):
    prop = f"py_key_{unique}"
    create_unique_property(api, "calls", prop, "callinformation")
    call = create_calls(api, 1, **{prop: f"v-{unique}"})[0]
    batch = BatchInputSimplePublicObjectBatchInput(
        inputs=[SimplePublicObjectBatchInput(id=f"v-{unique}", id_property=prop, properties={"hs_call_status": "BUSY"})]
    )
    result = hubspot_client.crm.objects.calls.batch_api.update(batch)
    assert [r.id for r in result.results] == [call["id"]]
    assert result.results[0].properties["hs_call_status"] == "BUSY"


def test_calls_batch_update_missing_ids_with_the_python_client(hubspot_client):
    batch = BatchInputSimplePublicObjectBatchInput(
        inputs=[SimplePublicObjectBatchInput(id="123456789", properties={"hs_call_status": "BUSY"})]
    )
    result = hubspot_client.crm.objects.calls.batch_api.update(batch)
    assert type(result).__name__ == "BatchResponseSimplePublicObjectWithErrors"
    assert result.errors[0].category == "OBJECT_NOT_FOUND"
    assert result.errors[0].context == {"ids": ["123456789"]}
