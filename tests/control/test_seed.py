"""Seed files: records naming each other by ref, all-or-nothing, errors naming the bad field's path."""

from __future__ import annotations

from tests.support.asserts import assert_error

SEED = {
    "contacts": [
        {"ref": "alice", "properties": {"email": "alice@seed.example", "firstname": "Alice"}},
        {"ref": "bob", "properties": {"email": "bob@seed.example"}},
    ],
    "companies": [
        {
            "ref": "acme",
            "properties": {"name": "Acme"},
            "associations": [{"to": "alice", "type": "company_to_contact"}, {"to": "bob"}],
        }
    ],
    "tasks": [
        {
            "properties": {"hs_timestamp": "2025-01-10T15:00:00.000Z", "hs_task_subject": "Call"},
            "associations": [{"to": "alice", "type": 204}],
        }
    ],
}


def test_a_seed_creates_records_and_their_associations(admin, new_portal):
    portal_id, client = new_portal()
    seeded = admin.post(f"/portals/{portal_id}/seed", json=SEED)
    assert seeded.status_code == 201, seeded.text
    body = seeded.json()
    assert body["created"] == {"contacts": 2, "companies": 1, "tasks": 1}
    assert set(body["refs"]) == {"alice", "bob", "acme"}
    alice = client.get(f"/crm/v3/objects/contacts/{body['refs']['alice']}", params={"properties": "firstname"})
    assert alice.json()["properties"]["firstname"] == "Alice"
    companies = client.get(f"/crm/v4/objects/companies/{body['refs']['acme']}/associations/contacts").json()
    assert sorted(r["toObjectId"] for r in companies["results"]) == sorted(
        int(body["refs"][ref]) for ref in ("alice", "bob")
    )
    tasks = client.get(f"/crm/v4/objects/contacts/{body['refs']['alice']}/associations/tasks").json()
    assert len(tasks["results"]) == 1


def test_a_bad_value_names_its_path_and_writes_nothing(admin, new_portal):
    portal_id, _ = new_portal()
    bad = {"contacts": [{"properties": {"email": "one@seed.example"}}, {"properties": {"nope": "x"}}]}
    body = assert_error(admin.post(f"/portals/{portal_id}/seed", json=bad), 400, "VALIDATION_ERROR")
    assert body["context"] == {"path": ["contacts[1].properties.nope"]}
    assert body["message"].startswith("contacts[1].properties.nope: ")
    assert admin.get(f"/portals/{portal_id}").json()["recordCounts"] == {}


def test_a_failure_in_a_later_type_undoes_the_earlier_ones(admin, new_portal):
    portal_id, _ = new_portal()
    bad = {
        "contacts": [{"ref": "a", "properties": {"email": "kept@seed.example"}}],
        "companies": [{"properties": {"name": "X", "notaproperty": "1"}}],
    }
    assert_error(admin.post(f"/portals/{portal_id}/seed", json=bad), 400, "VALIDATION_ERROR")
    assert admin.get(f"/portals/{portal_id}").json()["recordCounts"] == {}


def test_malformed_seeds_name_the_field(admin, new_portal):
    portal_id, _ = new_portal()
    cases = [
        ({"contacts": {"not": "a list"}}, "contacts"),
        ({"contacts": [{"properties": {"email": {"nested": 1}}}]}, "contacts[0].properties.email"),
        ({"contacts": [{"properties": {}, "colour": "red"}]}, "contacts[0]"),
        ({"widgets": []}, "widgets"),
        ({"contacts": [{"ref": "a"}, {"ref": "a"}]}, "contacts[1].ref"),
        ({"contacts": [{"associations": [{"to": "nobody"}]}]}, "contacts[0].associations[0].to"),
        (
            {"contacts": [{"ref": "a"}], "deals": [{"associations": [{"to": "a", "type": "no_such_type"}]}]},
            "deals[0].associations[0].type",
        ),
    ]
    for document, path in cases:
        body = assert_error(admin.post(f"/portals/{portal_id}/seed", json=document), 400, "VALIDATION_ERROR")
        assert body["context"]["path"][0].startswith(path), (document, body)
    assert_error(admin.post(f"/portals/{portal_id}/seed", json=[1, 2]), 400, "VALIDATION_ERROR")
    assert admin.get(f"/portals/{portal_id}").json()["recordCounts"] == {}


def test_seeding_an_unknown_portal_is_a_404(admin):
    assert_error(admin.post("/portals/999999999999998/seed", json={}), 404, "OBJECT_NOT_FOUND")
