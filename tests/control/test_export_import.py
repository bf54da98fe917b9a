"""Export and import of a portal: the document, the round trip keeping ids, merge with new ids, atomic 400s."""

from __future__ import annotations

import httpx

from tests.support.asserts import assert_error

SEED = {
    "contacts": [
        {"ref": "alice", "properties": {"email": "alice@export.example", "firstname": "Alice"}},
        {"ref": "bob", "properties": {"email": "bob@export.example"}},
    ],
    "companies": [{"properties": {"name": "Acme"}, "associations": [{"to": "alice"}, {"to": "bob"}]}],
}


def _seeded(admin, new_portal):
    portal_id, client = new_portal()
    seeded = admin.post(f"/portals/{portal_id}/seed", json=SEED)
    assert seeded.status_code == 201, seeded.text
    refs = seeded.json()["refs"]
    assert (
        client.patch(f"/crm/v3/objects/contacts/{refs['alice']}", json={"properties": {"firstname": "Al"}}).status_code
        == 200
    )
    assert client.delete(f"/crm/v3/objects/contacts/{refs['bob']}").status_code == 204
    return portal_id, client, refs


def _export(admin, portal_id):
    answer = admin.get(f"/portals/{portal_id}/export")
    assert answer.status_code == 200, answer.text
    return answer.json()


def _stable(document):
    return {k: v for k, v in document.items() if k not in ("portalId", "exportedAt")}


def test_the_export_holds_every_record_archived_too_with_history_and_associations(admin, new_portal):
    portal_id, _, refs = _seeded(admin, new_portal)
    document = _export(admin, portal_id)
    assert document["format"] == "localspot-portal" and document["version"] == 1
    assert document["portalId"] == portal_id
    contacts = {r["id"]: r for r in document["records"]["contacts"]}
    assert contacts[refs["bob"]]["archived"] is True
    alice = contacts[refs["alice"]]
    assert alice["properties"]["firstname"] == "Al"
    assert [e["value"] for e in alice["history"]["firstname"]][-2:] in (["Alice", "Al"], ["Al", "Alice"])
    pairs = {(a["fromId"], a["toId"]) for a in document["associations"]}
    assert (int(refs["alice"]), int(document["records"]["companies"][0]["id"])) in pairs


def test_a_round_trip_into_another_database_keeps_ids_and_reads_back(admin, new_portal, fresh_server):
    portal_id, _, refs = _seeded(admin, new_portal)
    document = _export(admin, portal_id)
    other = fresh_server()
    with httpx.Client(base_url=f"{other.url}/_localspot", timeout=30) as other_admin:
        target = 555000111
        assert other_admin.post("/portals", json={"portalId": target}).status_code == 201
        token = other_admin.post(f"/portals/{target}/tokens").json()["token"]
        imported = other_admin.post(f"/portals/{target}/import", json=document)
        assert imported.status_code == 201, imported.text
        assert imported.json()["imported"] == {"contacts": 2, "companies": 1}
        again = other_admin.get(f"/portals/{target}/export").json()
        assert _stable(again) == _stable(document)
        assert_error(other_admin.post(f"/portals/{target}/import", json=document), 409, "CONFLICT")
    with httpx.Client(base_url=other.url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        alice = client.get(f"/crm/v3/objects/contacts/{refs['alice']}", params={"properties": "firstname"})
        assert alice.status_code == 200 and alice.json()["properties"]["firstname"] == "Al"
        found = client.post(
            "/crm/v3/objects/contacts/search",
            json={
                "filterGroups": [
                    {"filters": [{"propertyName": "email", "operator": "EQ", "value": "alice@export.example"}]}
                ]
            },
        ).json()
        assert [r["id"] for r in found["results"]] == [refs["alice"]]
        new = client.post("/crm/v3/objects/contacts", json={"properties": {"email": "new@export.example"}})
        assert new.status_code == 201
        assert int(new.json()["id"]) > max(int(r["id"]) for r in document["records"]["contacts"])


def test_merge_gives_new_ids_and_remaps_associations(admin, new_portal):
    portal_id, _, refs = _seeded(admin, new_portal)
    document = _export(admin, portal_id)
    target, client = new_portal()
    assert (
        client.post("/crm/v3/objects/contacts", json={"properties": {"email": "there@export.example"}}).status_code
        == 201
    )
    assert_error(admin.post(f"/portals/{target}/import", json=document), 409, "CONFLICT")
    merged = admin.post(f"/portals/{target}/import", params={"mode": "merge"}, json=document)
    assert merged.status_code == 201, merged.text
    after = _export(admin, target)
    ids = {r["id"] for r in after["records"]["contacts"]}
    assert len(ids) == 3 and refs["alice"] not in ids
    company = after["records"]["companies"][0]["id"]
    linked = client.get(f"/crm/v4/objects/companies/{company}/associations/contacts").json()["results"]
    assert len(linked) == 1  # bob is archived
    assert str(linked[0]["toObjectId"]) in ids


def test_a_malformed_document_names_the_path_and_writes_nothing(admin, new_portal):
    portal_id, _, _ = _seeded(admin, new_portal)
    document = _export(admin, portal_id)
    target, _ = new_portal()
    document["records"]["contacts"][1]["properties"]["email"] = 7
    body = assert_error(
        admin.post(f"/portals/{target}/import", params={"mode": "merge"}, json=document), 400, "VALIDATION_ERROR"
    )
    assert body["context"] == {"path": ["records.contacts[1].properties.email"]}
    document["records"]["contacts"][1]["properties"]["email"] = "ok@export.example"
    document["associations"][0]["toId"] = 987_654_321_987  # an id the document does not hold
    body = assert_error(
        admin.post(f"/portals/{target}/import", params={"mode": "merge"}, json=document), 400, "VALIDATION_ERROR"
    )
    assert body["context"] == {"path": ["associations[0].toId"]}
    assert _export(admin, target)["records"] == {}


def test_an_unknown_format_or_version_answers_400(admin, new_portal):
    target, _ = new_portal()
    body = assert_error(
        admin.post(f"/portals/{target}/import", json={"format": "x", "version": 1}), 400, "VALIDATION_ERROR"
    )
    assert body["context"] == {"path": ["format"]}
    body = assert_error(
        admin.post(f"/portals/{target}/import", json={"format": "localspot-portal", "version": 2}),
        400,
        "VALIDATION_ERROR",
    )
    assert body["context"] == {"path": ["version"]}
    assert_error(admin.post(f"/portals/{target}/import", params={"mode": "x"}, json={}), 400, "VALIDATION_ERROR")
    assert_error(admin.get("/portals/999999999999/export"), 404, "OBJECT_NOT_FOUND")


def _with_definitions(admin, client, portal_id):
    """A portal with one of everything a portal can add: property, group, schema and its record, label, limit,
    pipeline, owner."""
    schema = client.post(
        "/crm-object-schemas/v3/schemas",
        json={
            "name": "cars",
            "labels": {"singular": "Car", "plural": "Cars"},
            "properties": [
                {"name": "vin", "label": "VIN", "type": "string", "fieldType": "text", "hasUniqueValue": True}
            ],
            "requiredProperties": ["vin"],
            "primaryDisplayProperty": "vin",
            "associatedObjects": ["CONTACT"],
        },
    )
    assert schema.status_code == 201, schema.text
    group = client.post("/crm/v3/properties/contacts/groups", json={"name": "extra", "label": "Extra"})
    assert group.status_code == 201, group.text
    prop = {"name": "food", "label": "Food", "type": "string", "fieldType": "text", "groupName": "extra"}
    assert client.post("/crm/v3/properties/contacts", json=prop).status_code == 201
    label = client.post("/crm/v4/associations/contacts/companies/labels", json={"name": "boss", "label": "Boss"})
    assert label.status_code == 200, label.text
    type_id = label.json()["results"][0]["typeId"]
    limit = client.post(
        "/crm/v4/associations/definitions/configurations/contacts/companies/batch/create",
        json={"inputs": [{"category": "USER_DEFINED", "typeId": type_id, "maxToObjectIds": 2}]},
    )
    assert limit.status_code in (200, 201), limit.text
    pipeline = {
        "label": "Renewals",
        "displayOrder": 5,
        "stages": [{"label": "Open", "displayOrder": 0, "metadata": {"probability": "0.5"}}],
    }
    assert client.post("/crm/v3/pipelines/deals", json=pipeline).status_code == 201
    assert admin.post(f"/portals/{portal_id}/owners", json={"email": "ada@export.example"}).status_code == 201
    car = client.post(f"/crm/v3/objects/{schema.json()['objectTypeId']}", json={"properties": {"vin": "V1"}})
    assert car.status_code == 201, car.text
    contact = client.post(
        "/crm/v3/objects/contacts", json={"properties": {"email": "d@export.example", "food": "figs"}}
    )
    company = client.post("/crm/v3/objects/companies", json={"properties": {"name": "Boss Co"}})
    linked = client.put(
        f"/crm/v4/objects/contacts/{contact.json()['id']}/associations/companies/{company.json()['id']}",
        json=[{"associationCategory": "USER_DEFINED", "associationTypeId": type_id}],
    )
    assert linked.status_code in (200, 201), linked.text


def test_every_section_round_trips_into_another_database(admin, new_portal, fresh_server):
    portal_id, client = new_portal()
    _with_definitions(admin, client, portal_id)
    document = _export(admin, portal_id)
    for section in (
        "propertyDefinitions",
        "propertyGroups",
        "objectSchemas",
        "associationLabels",
        "associationLimits",
        "pipelines",
        "owners",
    ):
        assert document[section], section
    assert set(document["records"]) == {"cars", "contacts", "companies"}
    other = fresh_server()
    with httpx.Client(base_url=f"{other.url}/_localspot", timeout=30) as other_admin:
        assert other_admin.post("/portals", json={"portalId": portal_id}).status_code == 201
        token = other_admin.post(f"/portals/{portal_id}/tokens").json()["token"]
        imported = other_admin.post(f"/portals/{portal_id}/import", json=document)
        assert imported.status_code == 201, imported.text
        assert _stable(other_admin.get(f"/portals/{portal_id}/export").json()) == _stable(document)
    with httpx.Client(base_url=other.url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as other_client:
        assert other_client.get("/crm/v3/properties/contacts/food").status_code == 200
        cars = other_client.get("/crm/v3/objects/cars", params={"properties": "vin"}).json()["results"]
        assert [c["properties"]["vin"] for c in cars] == ["V1"]
        duplicate = other_client.post("/crm/v3/objects/cars", json={"properties": {"vin": "V1"}})
        assert duplicate.status_code == 409  # the unique value came along
        found = other_client.post(
            "/crm/v3/objects/contacts/search",
            json={"filterGroups": [{"filters": [{"propertyName": "food", "operator": "EQ", "value": "figs"}]}]},
        ).json()
        assert found["total"] == 1
