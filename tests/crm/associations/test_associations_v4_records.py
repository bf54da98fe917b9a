"""v4 associations of one record (`/crm/v4/objects/{type}/{id}/associations/…`) over real HTTP."""

from __future__ import annotations

import pytest

from localspot.kernel.schema.catalog import raw_association_types, raw_type_definitions
from tests.support.asserts import ISO_MS, assert_error
from tests.support.factories import create_records

HUBSPOT = "HUBSPOT_DEFINED"


def spec(type_id: int, category: str = HUBSPOT) -> dict:
    return {"associationCategory": category, "associationTypeId": type_id}


def entry(type_id: int, label: str | None = None, category: str = HUBSPOT) -> dict:
    return {"category": category, "typeId": type_id, "label": label}


def associations_of(api, from_type: str, from_id: str, to_type: str) -> dict[int, list[dict]]:
    response = api.get(f"/crm/v4/objects/{from_type}/{from_id}/associations/{to_type}")
    assert response.status_code == 200, response.text
    return {r["toObjectId"]: r["associationTypes"] for r in response.json()["results"]}


def test_default_association_answers_both_directions_and_is_visible_from_either_side(api):
    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    response = api.put(f"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "COMPLETE" and ISO_MS.match(body["startedAt"]) and ISO_MS.match(body["completedAt"])
    assert body["results"] == [
        {"from": {"id": contact}, "to": {"id": company}, "associationSpec": spec(279)},
        {"from": {"id": company}, "to": {"id": contact}, "associationSpec": spec(280)},
    ]
    assert associations_of(api, "contacts", contact, "companies") == {int(company): [entry(279)]}
    assert associations_of(api, "companies", company, "contacts") == {int(contact): [entry(280)]}


def _catalogue_defaults() -> dict[tuple[str, str], dict]:
    return {(a["from"], a["to"]): a for a in raw_association_types() if a.get("default")}


def test_catalogue_has_one_default_per_pair_in_both_directions_with_matching_inverses():
    by_pair: dict[tuple[str, str], list[dict]] = {}
    for association in raw_association_types():
        by_pair.setdefault((association["from"], association["to"]), []).append(association)
    for (from_type, to_type), types in by_pair.items():
        assert (to_type, from_type) in by_pair, (from_type, to_type)
        assert sum(1 for t in types if t.get("default")) == 1, (from_type, to_type)
        for t in types:
            inverse = [i for i in by_pair[(to_type, from_type)] if i["typeId"] == t["inverseTypeId"]]
            assert len(inverse) == 1 and inverse[0]["inverseTypeId"] == t["typeId"], t
            assert inverse[0].get("default", False) == t.get("default", False), t


def test_every_default_pair_is_visible_from_the_other_side_under_the_inverse_type(api):
    names = {t["objectTypeId"]: t["name"] for t in raw_type_definitions()}
    defaults = _catalogue_defaults()
    paired = {type_id for pair in defaults for type_id in pair}
    records = {type_id: create_records(api, names[type_id], 2) for type_id in paired}
    for (from_type, to_type), association in sorted(defaults.items()):
        from_id = records[from_type][0]
        to_id = records[to_type][1]
        response = api.put(f"/crm/v4/objects/{from_type}/{from_id}/associations/default/{to_type}/{to_id}")
        assert response.status_code == 200, (from_type, to_type, response.text)
        seen = associations_of(api, to_type, to_id, from_type)
        inverse = defaults[(to_type, from_type)]["typeId"]
        assert entry(inverse) in seen[int(from_id)], (from_type, to_type, seen)
        assert association["inverseTypeId"] == inverse


def test_labeled_put_replaces_labels_unless_all_are_given(api):
    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    path = f"/crm/v4/objects/contacts/{contact}/associations/companies/{company}"
    label = api.post(
        "/crm/v4/associations/contacts/companies/labels", json={"name": f"billing_{contact}", "label": "Billing"}
    ).json()["results"][0]["typeId"]
    first = api.put(path, json=[spec(1)])
    assert first.status_code == 201, first.text
    assert first.json() == {
        "fromObjectTypeId": "0-1",
        "fromObjectId": int(contact),
        "toObjectTypeId": "0-2",
        "toObjectId": int(company),
        "labels": ["Primary"],
    }
    # only the new label: it replaces Primary
    replaced = api.put(path, json=[spec(label, "USER_DEFINED")])
    assert replaced.status_code == 201 and replaced.json()["labels"] == ["Billing"]
    assert associations_of(api, "contacts", contact, "companies") == {
        int(company): [entry(279), entry(label, "Billing", "USER_DEFINED")]
    }
    # both labels: appended
    appended = api.put(path, json=[spec(1), spec(label, "USER_DEFINED")])
    assert appended.json()["labels"] == ["Primary", "Billing"]
    # the unlabeled type alone keeps the labels
    unlabeled = api.put(path, json=[spec(279)])
    assert unlabeled.json()["labels"] == ["Primary", "Billing"]
    # the other side sees Primary's inverse (2) and the label's inverse
    inverse = associations_of(api, "companies", company, "contacts")[int(contact)]
    assert [(e["category"], e["typeId"]) for e in inverse][:2] == [(HUBSPOT, 2), (HUBSPOT, 280)]
    assert inverse[2]["category"] == "USER_DEFINED" and inverse[2]["label"] == "Billing"


def test_deleting_the_unlabeled_type_removes_every_label(api):
    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    api.put(f"/crm/v4/objects/contacts/{contact}/associations/companies/{company}", json=[spec(1)])
    archive = "/crm/v4/associations/contacts/companies/batch/labels/archive"
    only_primary = api.post(
        archive, json={"inputs": [{"from": {"id": contact}, "to": {"id": company}, "types": [spec(1)]}]}
    )
    assert only_primary.status_code == 204
    assert associations_of(api, "contacts", contact, "companies") == {int(company): [entry(279)]}
    api.put(f"/crm/v4/objects/contacts/{contact}/associations/companies/{company}", json=[spec(1)])
    unlabeled = api.post(
        archive, json={"inputs": [{"from": {"id": contact}, "to": {"id": company}, "types": [spec(279)]}]}
    )
    assert unlabeled.status_code == 204
    assert associations_of(api, "contacts", contact, "companies") == {}
    assert associations_of(api, "companies", company, "contacts") == {}


def test_delete_removes_all_associations_between_the_pair_and_is_idempotent(api):
    contact = create_records(api, "contacts", 1)[0]
    deals = create_records(api, "deals", 2)
    for deal in deals:
        api.put(f"/crm/v4/objects/contacts/{contact}/associations/default/deals/{deal}")
    response = api.delete(f"/crm/v4/objects/contacts/{contact}/associations/deals/{deals[0]}")
    assert response.status_code == 204 and response.content == b""
    assert associations_of(api, "contacts", contact, "deals") == {int(deals[1]): [entry(4)]}
    assert associations_of(api, "deals", deals[0], "contacts") == {}
    assert api.delete(f"/crm/v4/objects/contacts/{contact}/associations/deals/{deals[0]}").status_code == 204
    assert api.delete("/crm/v4/objects/contacts/999999999/associations/deals/12").status_code == 204


def test_listing_pages_by_after_and_limit(api):
    company = create_records(api, "companies", 1)[0]
    contacts = create_records(api, "contacts", 5)
    inputs = [{"from": {"id": company}, "to": {"id": c}} for c in contacts]
    assert (
        api.post("/crm/v4/associations/companies/contacts/batch/associate/default", json={"inputs": inputs}).status_code
        == 200
    )
    base = f"/crm/v4/objects/companies/{company}/associations/contacts"
    first = api.get(base, params={"limit": 2}).json()
    assert [r["toObjectId"] for r in first["results"]] == [int(c) for c in contacts[:2]]
    assert first["paging"] == {"next": {"after": contacts[1]}}
    second = api.get(base, params={"limit": 2, "after": first["paging"]["next"]["after"]}).json()
    assert [r["toObjectId"] for r in second["results"]] == [int(c) for c in contacts[2:4]]
    last = api.get(base, params={"limit": 2, "after": second["paging"]["next"]["after"]}).json()
    assert [r["toObjectId"] for r in last["results"]] == [int(contacts[4])]
    assert "paging" not in last
    everything = api.get(base).json()
    assert len(everything["results"]) == 5 and "paging" not in everything
    assert_error(api.get(base, params={"limit": 501}), 400, "VALIDATION_ERROR")
    assert_error(api.get(base, params={"after": "abc"}), 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    ("from_type", "to_type"),
    [("contact", "company"), ("CONTACTS", "Companies"), ("0-1", "0-2"), ("contacts", "COMPANY")],
)
def test_type_segments_accept_names_singular_plural_any_case_and_ids(api, from_type, to_type):
    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    response = api.put(f"/crm/v4/objects/{from_type}/{contact}/associations/default/{to_type}/{company}")
    assert response.status_code == 200, response.text
    listed = api.get(f"/crm/v4/objects/{from_type}/{contact}/associations/{to_type}").json()
    assert [r["toObjectId"] for r in listed["results"]] == [int(company)]


def test_missing_records_and_invalid_types(api, other_portal_api):
    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    foreign = create_records(other_portal_api, "companies", 1)[0]
    body = assert_error(
        api.put(f"/crm/v4/objects/contacts/999999999/associations/default/companies/{company}"), 404, "OBJECT_NOT_FOUND"
    )
    assert body["context"] == {"objectTypeId": ["0-1"], "id": ["999999999"]}
    assert_error(
        api.put(f"/crm/v4/objects/contacts/{contact}/associations/default/companies/{foreign}"), 404, "OBJECT_NOT_FOUND"
    )
    # a record of another type under the right id is not the record asked for
    assert_error(
        api.put(f"/crm/v4/objects/contacts/{company}/associations/default/companies/{contact}"), 404, "OBJECT_NOT_FOUND"
    )
    assert_error(
        api.put(f"/crm/v4/objects/contacts/{contact}/associations/companies/{company}", json=[spec(204)]),
        400,
        "VALIDATION_ERROR",
    )
    assert_error(
        api.put(f"/crm/v4/objects/contacts/{contact}/associations/companies/{company}", json=[spec(1, "NOPE")]),
        400,
        "VALIDATION_ERROR",
    )
    assert_error(
        api.put(f"/crm/v4/objects/contacts/{contact}/associations/companies/{company}", json=[]),
        400,
        "VALIDATION_ERROR",
    )
    assert_error(
        api.put(f"/crm/v4/objects/contacts/{contact}/associations/companies/{company}", json={"types": []}),
        400,
        "VALIDATION_ERROR",
    )
    assert_error(api.get("/crm/v4/objects/contacts/999999999/associations/companies"), 404, "OBJECT_NOT_FOUND")
    assert_error(api.get(f"/crm/v4/objects/contacts/{contact}/associations/widgets"), 400, "VALIDATION_ERROR")
    assert_error(
        api.put(f"/crm/v4/objects/contacts/{contact}/associations/default/contacts/{contact}"), 400, "VALIDATION_ERROR"
    )
    # nothing was written by the failures
    assert associations_of(api, "contacts", contact, "companies") == {}


def test_pair_without_a_default_type_is_a_400(api):
    task = create_records(api, "tasks", 1)[0]
    note = create_records(api, "notes", 1)[0]
    assert_error(api.put(f"/crm/v4/objects/tasks/{task}/associations/default/notes/{note}"), 400, "VALIDATION_ERROR")
    assert associations_of(api, "tasks", task, "notes") == {}


def test_reads_need_the_from_types_read_scope_and_writes_its_write_scope(api, base_url, token_for):
    import httpx

    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    reader = httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {token_for('crm.objects.contacts.read')}"}
    )
    with reader:
        assert reader.get(f"/crm/v4/objects/contacts/{contact}/associations/companies").status_code == 200
        assert_error(reader.get(f"/crm/v4/objects/companies/{company}/associations/contacts"), 403, "MISSING_SCOPES")
        assert_error(
            reader.put(f"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}"),
            403,
            "MISSING_SCOPES",
        )
    writer = httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {token_for('crm.objects.contacts.write')}"}
    )
    with writer:
        response = writer.put(f"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}")
        assert response.status_code == 200, response.text


def test_other_portals_cannot_see_associations(api, other_portal_api):
    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    api.put(f"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}")
    assert_error(
        other_portal_api.get(f"/crm/v4/objects/contacts/{contact}/associations/companies"), 404, "OBJECT_NOT_FOUND"
    )
    other_portal_api.delete(f"/crm/v4/objects/contacts/{contact}/associations/companies/{company}")
    assert associations_of(api, "contacts", contact, "companies") == {int(company): [entry(279)]}


def test_date_versioned_record_paths(api):
    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    base = f"/crm/objects/2026-03/contacts/{contact}/associations"
    assert api.put(f"{base}/default/companies/{company}").status_code == 200
    labeled = api.put(f"{base}/companies/{company}", json=[spec(1)])
    assert labeled.status_code == 201 and labeled.json()["labels"] == ["Primary"]
    listed = api.get(f"{base}/companies").json()["results"]
    assert listed == [{"toObjectId": int(company), "associationTypes": [entry(1, "Primary"), entry(279)]}]
    assert api.delete(f"{base}/companies/{company}").status_code == 204
    assert api.get(f"{base}/companies").json() == {"results": []}
