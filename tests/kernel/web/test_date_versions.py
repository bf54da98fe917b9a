"""Every area under HubSpot's date versions (2025-09, 2026-03, 2026-09) beside the classic paths, one engine
for all of them, and an unknown date version answered with HubSpot's error naming the versions there are."""

from __future__ import annotations

import pytest

from tests.support.asserts import assert_error

VERSIONS = ["2025-09", "2026-03", "2026-09"]


@pytest.mark.parametrize("version", VERSIONS)
def test_records_written_under_one_version_read_under_every_other(api, version, unique):
    created = api.post(f"/crm/objects/{version}/contacts", json={"properties": {"email": f"{unique}@v.example"}})
    assert created.status_code == 201, created.text
    record_id = created.json()["id"]
    for other in ["v3", *VERSIONS]:
        prefix = "/crm/v3/objects" if other == "v3" else f"/crm/objects/{other}"
        read = api.get(f"{prefix}/contacts/{record_id}")
        assert read.status_code == 200
        assert read.json()["properties"]["email"] == f"{unique}@v.example"
    found = api.post(
        f"/crm/objects/{version}/contacts/search",
        json={
            "filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": f"{unique}@v.example"}]}]
        },
    )
    assert [r["id"] for r in found.json()["results"]] == [record_id]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "path",
    [
        "/crm/properties/{version}/contacts/email",
        "/crm/pipelines/{version}/deals/default",
        "/crm/owners/{version}/",
        "/crm/owners/{version}",
        "/crm-object-schemas/{version}/schemas",
        "/crm/associations/{version}/contacts/companies/labels",
    ],
)
def test_every_area_answers_under_every_date_version(api, version, path):
    versioned = api.get(path.format(version=version))
    classic = api.get(
        path.format(version="v3")
        .replace("/crm/properties/v3", "/crm/v3/properties")
        .replace("/crm/pipelines/v3", "/crm/v3/pipelines")
        .replace("/crm/owners/v3", "/crm/v3/owners")
        .replace("/crm/associations/v3", "/crm/v4/associations")
    )
    assert versioned.status_code == classic.status_code == 200, versioned.text
    assert versioned.json() == classic.json()


@pytest.mark.parametrize(
    "path",
    ["/crm/objects/2027-01/contacts", "/crm/properties/2024-01/contacts", "/crm/objects/2026-09-beta/contacts/1"],
)
def test_an_unknown_date_version_names_the_versions_there_are(api, path):
    version = path.split("/")[3]
    body = assert_error(
        api.get(path),
        404,
        "OBJECT_NOT_FOUND",
        f"API version {version} does not exist. The date versions are 2025-09, 2026-03, 2026-09.",
    )
    assert body["context"] == {"version": [version]}


def test_a_path_with_no_version_is_still_just_a_missing_route(api):
    assert_error(api.get("/crm/v3/nothing/here"), 404, "OBJECT_NOT_FOUND", "No route matches /crm/v3/nothing/here")


def test_a_method_a_route_does_not_take_under_a_mount_is_a_405_with_allow(api):
    response = api.put("/crm/objects/2026-09/contacts/batch/create", json={})
    assert_error(response, 405, "VALIDATION_ERROR")
    assert response.headers["allow"] == "POST"
