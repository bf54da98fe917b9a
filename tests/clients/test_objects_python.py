"""The objects API through HubSpot's official Python client (hubspot-api-client 12.0.0)."""

from __future__ import annotations

import httpx
import pytest
from hubspot import HubSpot
from hubspot.crm.contacts import (
    BatchInputSimplePublicObjectBatchInputUpsert,
    BatchInputSimplePublicObjectId,
    BatchReadInputSimplePublicObjectId,
    SimplePublicObjectBatchInputUpsert,
    SimplePublicObjectId,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)
from hubspot.crm.contacts.exceptions import ApiException, NotFoundException
from urllib3.util.retry import Retry

from tests.support.factories import TASK_TIME, batch_create


def test_basic_api_round_trip(hubspot_client, unique):
    contacts = hubspot_client.crm.contacts.basic_api
    email = f"py-{unique}@example.com"
    created = contacts.create(
        simple_public_object_input_for_create=SimplePublicObjectInputForCreate(
            properties={"email": email, "firstname": "Py"}
        )
    )
    assert created.id.isdigit() and created.properties["email"] == email

    fetched = contacts.get_by_id(created.id, properties=["email", "firstname", "city"], archived=False)
    assert fetched.properties["firstname"] == "Py" and fetched.properties["city"] is None
    by_email = contacts.get_by_id(email, id_property="email")
    assert by_email.id == created.id

    updated = contacts.update(
        created.id, simple_public_object_input=SimplePublicObjectInput(properties={"lastname": "Thon"})
    )
    assert updated.properties["lastname"] == "Thon"
    by_email_update = contacts.update(
        email, simple_public_object_input=SimplePublicObjectInput(properties={"city": "Bergen"}), id_property="email"
    )
    assert by_email_update.id == created.id and by_email_update.properties["city"] == "Bergen"

    history = contacts.get_by_id(created.id, properties_with_history=["lastname"])
    assert [h.value for h in history.properties_with_history["lastname"]] == ["Thon"]

    assert contacts.archive(created.id) is None
    assert contacts.archive(created.id) is None  # archiving twice is fine, as HubSpot's own tests rely on
    with pytest.raises(NotFoundException) as missing:
        contacts.get_by_id(created.id)
    assert missing.value.status == 404
    archived = contacts.get_by_id(created.id, archived=True)
    assert archived.archived is True and archived.archived_at is not None


def test_create_conflict_raises_api_exception(hubspot_client, unique):
    contacts = hubspot_client.crm.contacts.basic_api
    body = SimplePublicObjectInputForCreate(properties={"email": f"dup-{unique}@example.com"})
    first = contacts.create(simple_public_object_input_for_create=body)
    with pytest.raises(ApiException) as conflict:
        contacts.create(simple_public_object_input_for_create=body)
    assert conflict.value.status == 409
    assert f"Existing ID: {first.id}" in conflict.value.body


def test_get_page_and_paging(hubspot_client, api, unique):
    batch_create(api, "products", [{"properties": {"name": f"page-{unique}-{i}"}} for i in range(3)])
    products = hubspot_client.crm.products.basic_api
    page = products.get_page(limit=2, properties=["name"], archived=False)
    assert len(page.results) == 2
    assert page.paging.next.after
    following = products.get_page(limit=2, after=page.paging.next.after, archived=False)
    assert not {r.id for r in page.results} & {r.id for r in following.results}


def test_batch_api_read_upsert_archive(hubspot_client, unique):
    batch = hubspot_client.crm.contacts.batch_api
    emails = [f"b{i}-{unique}@example.com" for i in range(2)]
    upserted = batch.upsert(
        batch_input_simple_public_object_batch_input_upsert=BatchInputSimplePublicObjectBatchInputUpsert(
            inputs=[
                SimplePublicObjectBatchInputUpsert(id=email, id_property="email", properties={"firstname": "B"})
                for email in emails
            ]
        )
    )
    assert upserted.status == "COMPLETE"
    assert [r.new for r in upserted.results] == [True, True]
    again = batch.upsert(
        batch_input_simple_public_object_batch_input_upsert=BatchInputSimplePublicObjectBatchInputUpsert(
            inputs=[SimplePublicObjectBatchInputUpsert(id=emails[0], id_property="email", properties={"lastname": "L"})]
        )
    )
    assert again.results[0].new is False and again.results[0].id == upserted.results[0].id

    read = batch.read(
        batch_read_input_simple_public_object_id=BatchReadInputSimplePublicObjectId(
            inputs=[SimplePublicObjectId(id=email) for email in emails],
            id_property="email",
            properties=["email", "lastname"],
            properties_with_history=[],
        ),
        archived=False,
    )
    assert sorted(r.properties["email"] for r in read.results) == emails
    by_id = {r.id: r for r in read.results}
    assert by_id[upserted.results[0].id].properties["lastname"] == "L"

    ids = [r.id for r in upserted.results]
    assert (
        batch.archive(
            batch_input_simple_public_object_id=BatchInputSimplePublicObjectId(
                inputs=[SimplePublicObjectId(id=i) for i in ids]
            )
        )
        is None
    )
    partial = batch.read(
        batch_read_input_simple_public_object_id=BatchReadInputSimplePublicObjectId(
            inputs=[SimplePublicObjectId(id=i) for i in ids], properties=[], properties_with_history=[]
        ),
        archived=False,
    )
    assert partial.results == [] and partial.num_errors == 1
    assert sorted(partial.errors[0].context["ids"]) == sorted(ids)


def test_generic_objects_api(hubspot_client):
    objects = hubspot_client.crm.objects.basic_api
    from hubspot.crm.objects import SimplePublicObjectInput as ObjectInput
    from hubspot.crm.objects import SimplePublicObjectInputForCreate as ObjectCreate

    task = objects.create(
        "tasks", simple_public_object_input_for_create=ObjectCreate(properties={"hs_timestamp": TASK_TIME})
    )
    patched = objects.update(
        "tasks", task.id, simple_public_object_input=ObjectInput(properties={"hs_task_subject": "S"})
    )
    assert patched.properties["hs_task_subject"] == "S"
    fetched = objects.get_by_id("tasks", task.id, properties=["hs_task_subject"], archived=False)
    assert fetched.properties["hs_task_subject"] == "S"
    objects.archive("tasks", task.id)
    assert objects.get_by_id("tasks", task.id, archived=True).archived is True


def test_get_all_walks_a_thousand_records_exactly_once(fresh_server):
    server = fresh_server()
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {server.token}"}, timeout=60) as api:
        contacts, tasks = set(), set()
        for start in range(0, 1000, 100):
            contacts.update(
                r["id"]
                for r in batch_create(
                    api,
                    "contacts",
                    [{"properties": {"email": f"all{i}@example.com"}} for i in range(start, start + 100)],
                )
            )
            tasks.update(
                r["id"] for r in batch_create(api, "tasks", [{"properties": {"hs_timestamp": TASK_TIME}}] * 100)
            )
    client = HubSpot(access_token=server.token, host=server.url, base_url=server.url, retry=Retry(total=0))
    every_contact = client.crm.contacts.get_all()
    assert len(every_contact) == 1000 and {r.id for r in every_contact} == contacts
    every_task = client.crm.objects.get_all("tasks")
    assert len(every_task) == 1000 and {r.id for r in every_task} == tasks
    with_history = client.crm.contacts.get_all(properties_with_history=["email"])
    assert len(with_history) == 1000
