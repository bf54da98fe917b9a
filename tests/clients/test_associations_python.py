"""Associations through HubSpot's official Python client (hubspot-api-client), with client-side validation
on, so every required response field is checked by the client's own models."""

from __future__ import annotations

import pytest
from hubspot import HubSpot
from hubspot.crm.associations import BatchInputPublicAssociation, BatchInputPublicObjectId
from hubspot.crm.associations import PublicAssociation as V3PublicAssociation
from hubspot.crm.associations import PublicObjectId as V3PublicObjectId
from hubspot.crm.associations.v4 import (
    AssociationSpec,
    BatchInputPublicAssociationMultiArchive,
    BatchInputPublicAssociationMultiPost,
    BatchInputPublicDefaultAssociationMultiPost,
    BatchInputPublicFetchAssociationsBatchRequest,
    PublicAssociationMultiArchive,
    PublicAssociationMultiPost,
    PublicDefaultAssociationMultiPost,
    PublicFetchAssociationsBatchRequest,
    PublicObjectId,
)
from hubspot.crm.associations.v4.exceptions import ApiException, NotFoundException
from hubspot.crm.associations.v4.schema import (
    BatchInputPublicAssociationDefinitionConfigurationCreateRequest,
    BatchInputPublicAssociationDefinitionConfigurationUpdateRequest,
    BatchInputPublicAssociationSpec,
    PublicAssociationDefinitionConfigurationCreateRequest,
    PublicAssociationDefinitionConfigurationUpdateRequest,
    PublicAssociationDefinitionCreateRequest,
    PublicAssociationDefinitionUpdateRequest,
    PublicAssociationSpec,
)
from hubspot.crm.associations.v4.schema.exceptions import ApiException as SchemaApiException
from urllib3.util.retry import Retry

from tests.conftest import TOKEN
from tests.support.factories import create_records


@pytest.fixture(scope="module")
def client(base_url):
    return HubSpot(access_token=TOKEN, host=base_url, retry=Retry(total=0), client_side_validation=True)


def spec(type_id: int, category: str = "HUBSPOT_DEFINED") -> AssociationSpec:
    return AssociationSpec(association_category=category, association_type_id=type_id)


def test_basic_api_create_default_labels_list_and_archive(api, client):
    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    basic = client.crm.associations.v4.basic_api
    default = basic.create_default("contacts", contact, "companies", company)
    assert default.status == "COMPLETE"
    assert [(r._from.id, r.to.id, r.association_spec.association_type_id) for r in default.results] == [
        (contact, company, 279),
        (company, contact, 280),
    ]
    labeled = basic.create("contacts", contact, "companies", company, [spec(1)])
    assert (labeled.from_object_type_id, labeled.from_object_id, labeled.to_object_id) == ("0-1", contact, company)
    assert labeled.labels == ["Primary"]
    page = basic.get_page("contacts", contact, "companies", limit=500)
    assert [r.to_object_id for r in page.results] == [company]
    assert [(t.type_id, t.label) for t in page.results[0].association_types] == [(1, "Primary"), (279, None)]
    assert page.paging is None
    assert basic.archive("contacts", contact, "companies", company) is None
    assert basic.get_page("companies", company, "contacts").results == []


def test_basic_api_errors(api, client):
    contact = create_records(api, "contacts", 1)[0]
    basic = client.crm.associations.v4.basic_api
    with pytest.raises(NotFoundException) as missing:
        basic.create_default("contacts", contact, "companies", "999999999")
    assert '"category":"OBJECT_NOT_FOUND"' in missing.value.body
    company = create_records(api, "companies", 1)[0]
    with pytest.raises(ApiException) as invalid:
        basic.create("contacts", contact, "companies", company, [spec(204)])
    assert invalid.value.status == 400


def test_batch_api_default_create_read_archive(api, client):
    deal = create_records(api, "deals", 1)[0]
    contacts = create_records(api, "contacts", 3)
    batch = client.crm.associations.v4.batch_api
    default = batch.create_default(
        "deals",
        "contacts",
        BatchInputPublicDefaultAssociationMultiPost(
            inputs=[PublicDefaultAssociationMultiPost(_from=PublicObjectId(id=deal), to=PublicObjectId(id=contacts[0]))]
        ),
    )
    assert len(default.results) == 2
    created = batch.create(
        "deals",
        "contacts",
        BatchInputPublicAssociationMultiPost(
            inputs=[
                PublicAssociationMultiPost(_from=PublicObjectId(id=deal), to=PublicObjectId(id=c), types=[spec(3)])
                for c in contacts[1:]
            ]
        ),
    )
    assert type(created).__name__ == "BatchResponseLabelsBetweenObjectPair"
    assert [r.to_object_id for r in created.results] == contacts[1:]
    read = batch.get_page(
        "deals",
        "contacts",
        BatchInputPublicFetchAssociationsBatchRequest(
            inputs=[PublicFetchAssociationsBatchRequest(id=deal), PublicFetchAssociationsBatchRequest(id="999999999")]
        ),
    )
    assert type(read).__name__ == "BatchResponsePublicAssociationMultiWithLabelWithErrors"
    assert [t.to_object_id for t in read.results[0].to] == contacts
    assert read.errors[0].context == {"fromObjectId": ["999999999"], "fromObjectType": ["0-3"], "toObjectType": ["0-1"]}
    archived = batch.archive(
        "deals",
        "contacts",
        BatchInputPublicAssociationMultiArchive(
            inputs=[PublicAssociationMultiArchive(_from=PublicObjectId(id=deal), to=[PublicObjectId(id=contacts[0])])]
        ),
    )
    assert archived is None
    labels_archived = batch.archive_labels(
        "deals",
        "contacts",
        BatchInputPublicAssociationMultiPost(
            inputs=[
                PublicAssociationMultiPost(
                    _from=PublicObjectId(id=deal), to=PublicObjectId(id=contacts[1]), types=[spec(3)]
                )
            ]
        ),
    )
    assert labels_archived is None
    left = batch.get_page(
        "deals",
        "contacts",
        BatchInputPublicFetchAssociationsBatchRequest(inputs=[PublicFetchAssociationsBatchRequest(id=deal)]),
    )
    assert [t.to_object_id for t in left.results[0].to] == [contacts[2]]


def test_definitions_api_labels_lifecycle(api, client, unique):
    definitions = client.crm.associations.v4.schema.definitions_api
    created = definitions.create(
        "contacts",
        "deals",
        PublicAssociationDefinitionCreateRequest(name=f"py_{unique}", label="Sponsor", inverse_label="Sponsored"),
    )
    forward, backward = created.results
    assert (forward.category, forward.label, backward.label) == ("USER_DEFINED", "Sponsor", "Sponsored")
    listed = definitions.get_all("contacts", "deals").results
    assert (forward.type_id, "Sponsor") in [(r.type_id, r.label) for r in listed]
    contact = create_records(api, "contacts", 1)[0]
    deal = create_records(api, "deals", 1)[0]
    labeled = client.crm.associations.v4.basic_api.create(
        "contacts", contact, "deals", deal, [spec(forward.type_id, "USER_DEFINED")]
    )
    assert labeled.labels == ["Sponsor"]
    definitions.update(
        "contacts",
        "deals",
        PublicAssociationDefinitionUpdateRequest(association_type_id=forward.type_id, label="Patron"),
    )
    with pytest.raises(SchemaApiException) as in_use:
        definitions.remove("contacts", "deals", forward.type_id)
    assert in_use.value.status == 400
    client.crm.associations.v4.basic_api.archive("contacts", contact, "deals", deal)
    assert definitions.remove("contacts", "deals", forward.type_id) is None
    assert forward.type_id not in [r.type_id for r in definitions.get_all("contacts", "deals").results]


def test_definition_configurations_api(base_url, token_for):
    portal_client = HubSpot(
        access_token=token_for("*", 41), host=base_url, retry=Retry(total=0), client_side_validation=True
    )
    configurations = portal_client.crm.associations.v4.schema.definition_configurations_api
    created = configurations.batch_create(
        "contacts",
        "companies",
        BatchInputPublicAssociationDefinitionConfigurationCreateRequest(
            inputs=[
                PublicAssociationDefinitionConfigurationCreateRequest(
                    category="HUBSPOT_DEFINED", type_id=1, max_to_object_ids=1
                )
            ]
        ),
    )
    assert [(r.type_id, r.user_enforced_max_to_object_ids) for r in created.results] == [(1, 1)]
    updated = configurations.batch_update(
        "contacts",
        "companies",
        BatchInputPublicAssociationDefinitionConfigurationUpdateRequest(
            inputs=[
                PublicAssociationDefinitionConfigurationUpdateRequest(
                    category="HUBSPOT_DEFINED", type_id=1, max_to_object_ids=5
                )
            ]
        ),
    )
    assert updated.results[0].user_enforced_max_to_object_ids == 5
    assert [(r.type_id, r.user_enforced_max_to_object_ids) for r in configurations.get_all().results] == [(1, 5)]
    pair = configurations.get_all_between_two_object_types("contacts", "companies").results
    assert {r.type_id: r.user_enforced_max_to_object_ids for r in pair} == {1: 5, 279: None}
    purged = configurations.batch_remove(
        "contacts",
        "companies",
        BatchInputPublicAssociationSpec(inputs=[PublicAssociationSpec(category="HUBSPOT_DEFINED", type_id=1)]),
    )
    assert purged is None
    assert configurations.get_all().results == []


def test_v3_types_and_batch_api(api, client):
    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    types = client.crm.associations.schema.types_api.get_all("contacts", "companies").results
    assert ("279", "contact_to_company_unlabeled") in [(t.id, t.name) for t in types]
    batch = client.crm.associations.batch_api
    created = batch.create(
        "contacts",
        "companies",
        BatchInputPublicAssociation(
            inputs=[
                V3PublicAssociation(
                    _from=V3PublicObjectId(id=contact), to=V3PublicObjectId(id=company), type="contact_to_company"
                )
            ]
        ),
    )
    assert [(r._from.id, r.to.id, r.type) for r in created.results] == [(contact, company, "contact_to_company")]
    read = batch.read("contacts", "companies", BatchInputPublicObjectId(inputs=[V3PublicObjectId(id=contact)]))
    assert [(t.id, t.type) for t in read.results[0].to] == [
        (company, "contact_to_company"),
        (company, "contact_to_company_unlabeled"),
    ]
    archived = batch.archive(
        "contacts",
        "companies",
        BatchInputPublicAssociation(
            inputs=[
                V3PublicAssociation(
                    _from=V3PublicObjectId(id=contact),
                    to=V3PublicObjectId(id=company),
                    type="contact_to_company_unlabeled",
                )
            ]
        ),
    )
    assert archived is None
    assert (
        batch.read("contacts", "companies", BatchInputPublicObjectId(inputs=[V3PublicObjectId(id=contact)]))
        .results[0]
        .to
        == []
    )
