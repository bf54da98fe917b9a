"""v3 record associations (`/crm/v3/objects/{type}/{id}/associations/…` and the `/crm/objects/v3/…` paths of
the appointments spec) over real HTTP."""

from __future__ import annotations

import pytest

from tests.conftest import make_client
from tests.support.asserts import assert_error, assert_record
from tests.support.factories import create_records

PREFIXES = ["/crm/v3/objects", "/crm/objects/v3"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_put_lists_and_deletes_one_type_at_a_time(api, prefix):
    contact = create_records(api, "contacts", 1)[0]
    companies = create_records(api, "companies", 2)
    put = api.put(f"{prefix}/contacts/{contact}/associations/companies/{companies[0]}/contact_to_company_unlabeled")
    assert put.status_code == 200, put.text
    record = put.json()
    assert_record(record)
    assert record["id"] == contact
    assert record["associations"] == {
        "companies": {"results": [{"id": companies[0], "type": "contact_to_company_unlabeled"}]}
    }
    # A numeric type id names the type too.
    assert api.put(f"{prefix}/contacts/{contact}/associations/companies/{companies[1]}/279").status_code == 200
    listed = api.get(f"{prefix}/contacts/{contact}/associations/companies")
    assert listed.status_code == 200, listed.text
    assert listed.json() == {
        "results": [
            {"id": companies[0], "type": "contact_to_company_unlabeled"},
            {"id": companies[1], "type": "contact_to_company_unlabeled"},
        ]
    }
    seen_from_company = api.get(f"{prefix}/companies/{companies[1]}/associations/contacts").json()
    assert seen_from_company == {"results": [{"id": contact, "type": "company_to_contact_unlabeled"}]}
    page = api.get(f"{prefix}/contacts/{contact}/associations/companies", params={"limit": 1}).json()
    assert page == {
        "results": [{"id": companies[0], "type": "contact_to_company_unlabeled"}],
        "paging": {"next": {"after": companies[0]}},
    }
    rest = api.get(f"{prefix}/contacts/{contact}/associations/companies", params={"after": companies[0]}).json()
    assert rest == {"results": [{"id": companies[1], "type": "contact_to_company_unlabeled"}]}
    deleted = api.delete(
        f"{prefix}/contacts/{contact}/associations/companies/{companies[0]}/contact_to_company_unlabeled"
    )
    assert deleted.status_code == 204
    assert api.get(f"{prefix}/contacts/{contact}/associations/companies").json() == {
        "results": [{"id": companies[1], "type": "contact_to_company_unlabeled"}]
    }
    # Deleting again is still a 204.
    again = api.delete(
        f"{prefix}/contacts/{contact}/associations/companies/{companies[0]}/contact_to_company_unlabeled"
    )
    assert again.status_code == 204


def test_a_labeled_type_lists_beside_the_unlabeled_one(api):
    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    put = api.put(f"/crm/objects/v3/contacts/{contact}/associations/companies/{company}/contact_to_company")
    assert put.status_code == 200, put.text
    types = [entry["type"] for entry in put.json()["associations"]["companies"]["results"]]
    assert "contact_to_company" in types
    listed = api.get(f"/crm/objects/v3/contacts/{contact}/associations/companies").json()["results"]
    assert {"id": company, "type": "contact_to_company"} in listed
    assert sorted(types) == sorted(entry["type"] for entry in listed)


def test_bad_types_records_and_scopes(api, base_url, token_for):
    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    base = f"/crm/v3/objects/contacts/{contact}/associations/companies"
    body = assert_error(api.put(f"{base}/{company}/deal_to_contact"), 400, "VALIDATION_ERROR")
    assert body["message"] == "Association type deal_to_contact (HUBSPOT_DEFINED) is not valid from 0-1 to 0-2."
    assert_error(api.delete(f"{base}/{company}/no_such_type"), 400, "VALIDATION_ERROR")
    missing = assert_error(api.put(f"{base}/999999999/contact_to_company_unlabeled"), 404, "OBJECT_NOT_FOUND")
    assert missing["message"] == "No 0-2 record with id 999999999 exists."
    assert_error(api.get("/crm/v3/objects/contacts/999999999/associations/companies"), 404, "OBJECT_NOT_FOUND")
    assert_error(api.get(base, params={"after": "abc"}), 400, "VALIDATION_ERROR")
    assert_error(api.get(base, params={"limit": 501}), 400, "VALIDATION_ERROR")
    # Appointments have no association types of HubSpot's: any type name is refused.
    appointment = api.post("/crm/objects/v3/appointments", json={"properties": {"hs_appointment_name": "Visit"}})
    assert appointment.status_code == 201, appointment.text
    assert_error(
        api.put(f"/crm/objects/v3/appointments/{appointment.json()['id']}/associations/contacts/{contact}/1"),
        400,
        "VALIDATION_ERROR",
    )
    with make_client(base_url, token_for("crm.objects.contacts.read")) as reader:
        assert reader.get(base).status_code == 200
        assert_error(reader.put(f"{base}/{company}/contact_to_company_unlabeled"), 403, "MISSING_SCOPES")
    with make_client(base_url, token_for("crm.objects.contacts.write")) as writer:
        # A write scope alone associates, and the answer still shows the record.
        put = writer.put(f"{base}/{company}/contact_to_company_unlabeled")
        assert put.status_code == 200, put.text
        assert put.json()["associations"]["companies"]["results"] == [
            {"id": company, "type": "contact_to_company_unlabeled"}
        ]
