"""Custom object schemas through HubSpot's official Python client."""

from __future__ import annotations

from hubspot.crm.objects import BatchInputSimplePublicObjectBatchInputForCreate, SimplePublicObjectBatchInputForCreate
from hubspot.crm.schemas import ObjectSchemaEgg, ObjectTypeDefinitionLabels, ObjectTypePropertyCreate


def test_create_get_and_list_with_the_python_client(hubspot_client, unique):
    egg = ObjectSchemaEgg(
        name=f"pets_{unique}",
        labels=ObjectTypeDefinitionLabels(singular="Pet", plural="Pets"),
        properties=[ObjectTypePropertyCreate(name="pet_name", label="Name", type="string", field_type="text")],
        required_properties=["pet_name"],
        associated_objects=["0-1"],
        primary_display_property="pet_name",
    )
    created = hubspot_client.crm.schemas.core_api.create(egg)
    assert created.name == f"pets_{unique}" and created.object_type_id.startswith("2-")
    assert created.created_at.year >= 2025
    fetched = hubspot_client.crm.schemas.core_api.get_by_id(created.object_type_id)
    assert fetched.fully_qualified_name == f"p1_pets_{unique}"
    assert [a.to_object_type_id for a in fetched.associations] == ["0-1"]
    listed = hubspot_client.crm.schemas.core_api.get_all()
    assert created.object_type_id in [s.object_type_id for s in listed.results]
    # records of the new type go through the generic objects API
    batch = BatchInputSimplePublicObjectBatchInputForCreate(
        inputs=[SimplePublicObjectBatchInputForCreate(properties={"pet_name": "Rex"})]
    )
    result = hubspot_client.crm.objects.batch_api.create(created.object_type_id, batch)
    assert result.results[0].properties["pet_name"] == "Rex"
