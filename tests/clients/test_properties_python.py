"""The properties API through HubSpot's official Python client (hubspot-api-client 12)."""

from __future__ import annotations

import json

import pytest
from hubspot.crm.properties import (
    ApiException,
    BatchInputPropertyCreate,
    BatchInputPropertyName,
    BatchReadInputPropertyName,
    BatchResponseProperty,
    BatchResponsePropertyWithErrors,
    ModelProperty,
    OptionInput,
    PropertyCreate,
    PropertyGroupCreate,
    PropertyGroupUpdate,
    PropertyName,
    PropertyUpdate,
)


@pytest.fixture
def properties(hubspot_client):
    return hubspot_client.crm.properties


def test_core_api_lifecycle(properties, unique):
    core = properties.core_api
    name = f"py_core_{unique}"
    created = core.create(
        "deals",
        PropertyCreate(
            name=name,
            label="Tier",
            type="enumeration",
            field_type="select",
            group_name="dealinformation",
            description="Deal tier",
            has_unique_value=False,
            options=[
                OptionInput(label="Gold", value="gold", display_order=1, hidden=False),
                OptionInput(label="Silver", value="silver", display_order=2, hidden=True, description="second"),
            ],
        ),
    )
    assert isinstance(created, ModelProperty)
    assert (created.name, created.label, created.type, created.field_type) == (name, "Tier", "enumeration", "select")
    assert created.description == "Deal tier" and created.hubspot_defined is False and created.archived is False
    assert [(o.value, o.display_order, o.hidden) for o in created.options] == [("gold", 1, False), ("silver", 2, True)]
    assert created.modification_metadata.archivable is True and created.created_at.year >= 2025

    listed = core.get_all("deals", archived=False)
    assert name in [p.name for p in listed.results] and "dealname" in [p.name for p in listed.results]
    assert core.get_by_name("deals", name).label == "Tier"

    updated = core.update(
        "deals",
        name,
        PropertyUpdate(
            label="Deal tier", options=[OptionInput(label="Gold", value="gold", display_order=0, hidden=False)]
        ),
    )
    assert updated.label == "Deal tier" and [o.value for o in updated.options] == ["gold"]
    assert updated.updated_at >= created.updated_at

    assert core.archive("deals", name) is None
    with pytest.raises(ApiException) as missing:
        core.get_by_name("deals", name)
    assert missing.value.status == 404
    assert json.loads(missing.value.body)["category"] == "OBJECT_NOT_FOUND"
    archived = core.get_by_name("deals", name, archived=True)
    assert archived.archived is True and archived.archived_at is not None
    assert name in [p.name for p in core.get_all("deals", archived=True).results]


def test_core_api_errors(properties, unique):
    core = properties.core_api
    with pytest.raises(ApiException) as exists:
        core.create(
            "contacts",
            PropertyCreate(name="email", label="E", type="string", field_type="text", group_name="contactinformation"),
        )
    assert exists.value.status == 409
    with pytest.raises(ApiException) as read_only:
        core.update("contacts", "email", PropertyUpdate(label="Mail"))
    assert read_only.value.status == 400
    assert json.loads(read_only.value.body)["category"] == "VALIDATION_ERROR"


def test_batch_api(properties, unique):
    batch = properties.batch_api
    names = [f"py_b{i}_{unique}" for i in range(2)]
    inputs = [
        PropertyCreate(name=n, label=n, type="number", field_type="number", group_name="ticketinformation")
        for n in names
    ]
    created = batch.create("tickets", BatchInputPropertyCreate(inputs=inputs))
    assert isinstance(created, BatchResponseProperty)
    assert created.status == "COMPLETE" and sorted(p.name for p in created.results) == names

    again = batch.create("tickets", BatchInputPropertyCreate(inputs=inputs[:1]))
    assert isinstance(again, BatchResponsePropertyWithErrors)
    assert again.num_errors == 1 and again.errors[0].category == "OBJECT_ALREADY_EXISTS"
    assert again.errors[0].context == {"name": [names[0]]}

    read = batch.read(
        "tickets", BatchReadInputPropertyName(archived=False, inputs=[PropertyName(name=n) for n in names])
    )
    assert isinstance(read, BatchResponseProperty) and [p.name for p in read.results] == names
    partial = batch.read(
        "tickets", BatchReadInputPropertyName(archived=False, inputs=[PropertyName(name=f"nope_{unique}")])
    )
    assert isinstance(partial, BatchResponsePropertyWithErrors) and partial.results == []

    assert batch.archive("tickets", BatchInputPropertyName(inputs=[PropertyName(name=n) for n in names])) is None
    archived = batch.read(
        "tickets", BatchReadInputPropertyName(archived=True, inputs=[PropertyName(name=n) for n in names])
    )
    assert all(p.archived for p in archived.results) and len(archived.results) == 2


def test_groups_api(properties, unique):
    groups = properties.groups_api
    name = f"py_group_{unique}"
    created = groups.create("contacts", PropertyGroupCreate(name=name, label="Python group", display_order=3))
    assert (created.name, created.label, created.display_order, created.archived) == (name, "Python group", 3, False)
    assert name in [g.name for g in groups.get_all("contacts").results]
    assert groups.get_by_name("contacts", name).label == "Python group"
    updated = groups.update("contacts", name, PropertyGroupUpdate(label="Renamed", display_order=1))
    assert (updated.label, updated.display_order) == ("Renamed", 1)
    assert groups.archive("contacts", name) is None
    with pytest.raises(ApiException) as gone:
        groups.get_by_name("contacts", name)
    assert gone.value.status == 404
