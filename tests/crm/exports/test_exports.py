"""`/crm/v3/exports`: VIEW and LIST exports as CSV and XLSX files served at links that expire; filters,
associated ids, labels or internal values; an export imported into an empty portal gives the same records."""

from __future__ import annotations

import csv
import io
import json
import time

import httpx
import pytest

from tests.support.asserts import assert_error

ASYNC = "/crm/v3/exports/export/async"


def _export(client: httpx.Client, **body: object) -> str:
    started = client.post(ASYNC, json={"format": "CSV", "objectType": "CONTACT", **body})
    assert started.status_code == 202, started.text
    return started.json()["id"]


def _file(client: httpx.Client, export_id: str) -> httpx.Response:
    status = client.get(f"{ASYNC}/tasks/{export_id}/status")
    assert status.status_code == 200, status.text
    assert status.json()["status"] == "COMPLETE"
    return httpx.get(status.json()["result"])  # no token: the link is the credential


def _rows(client: httpx.Client, export_id: str) -> list[list[str]]:
    answer = _file(client, export_id)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(answer.text)))


def _seed(client: httpx.Client) -> dict[str, str]:
    company = client.post("/crm/v3/objects/companies", json={"properties": {"name": "Acme"}}).json()
    ids = {}
    for email, stage in (("a@example.com", "lead"), ("b@example.com", "customer"), ("c@example.com", "lead")):
        made = client.post(
            "/crm/v3/objects/contacts",
            json={
                "properties": {"email": email, "lifecyclestage": stage, "firstname": email[0].upper()},
                "associations": [
                    {
                        "to": {"id": company["id"]},
                        "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}],
                    }
                ],
            },
        )
        ids[email] = made.json()["id"]
    ids["company"] = company["id"]
    return ids


def test_the_official_client_starts_an_export_and_the_file_holds_every_record(new_portal, base_url):
    from hubspot import HubSpot
    from hubspot.crm.exports import PublicExportRequest
    from urllib3.util.retry import Retry

    _, client = new_portal()
    ids = _seed(client)
    token = client.headers["authorization"].split()[1]
    hubspot = HubSpot(access_token=token, host=base_url, base_url=base_url, retry=Retry(total=0))
    request = PublicExportRequest(
        export_type="VIEW",
        format="CSV",
        export_name="everyone",
        object_type="CONTACT",
        object_properties=["email", "lifecyclestage"],
        associated_object_type=["COMPANY"],
        language="EN",
    )
    started = hubspot.crm.exports.public_exports_api.start(public_export_request=request)
    status = hubspot.crm.exports.public_exports_api.get_status(task_id=int(started.id))
    assert status.status == "COMPLETE" and status.result.startswith(base_url)
    download = httpx.get(status.result)
    assert download.headers["content-disposition"] == f'attachment; filename="everyone-{started.id}.csv"'
    assert list(csv.reader(io.StringIO(download.text))) == [
        ["Record ID", "Email", "Lifecycle stage", "Associated Company IDs"],
        [ids["a@example.com"], "a@example.com", "Lead", ids["company"]],
        [ids["b@example.com"], "b@example.com", "Customer", ids["company"]],
        [ids["c@example.com"], "c@example.com", "Lead", ids["company"]],
    ]
    details = client.get(f"/crm/v3/exports/export/{started.id}").json()
    assert (details["exportState"], details["objectType"], details["objectProperties"]) == (
        "DONE",
        "0-1",
        ["hs_object_id", "email", "lifecyclestage"],
    )


def test_filters_in_either_spelling_and_internal_names_and_values(new_portal):
    _, client = new_portal()
    ids = _seed(client)
    grouped = _export(
        client,
        objectProperties=["email", "lifecyclestage"],
        exportInternalValuesOptions=["NAMES", "VALUES"],
        publicCrmSearchRequest={
            "filterGroups": [{"filters": [{"propertyName": "lifecyclestage", "operator": "EQ", "value": "lead"}]}]
        },
    )
    assert _rows(client, grouped) == [
        ["hs_object_id", "email", "lifecyclestage"],
        [ids["a@example.com"], "a@example.com", "lead"],
        [ids["c@example.com"], "c@example.com", "lead"],
    ]
    flat = _export(
        client,
        objectProperties=["email"],
        publicCrmSearchRequest={"filters": [{"property": "email", "operator": "EQ", "value": "b@example.com"}]},
    )
    assert _rows(client, flat) == [["Record ID", "Email"], [ids["b@example.com"], "b@example.com"]]


def test_a_list_export_holds_the_lists_members(new_portal):
    _, client = new_portal()
    ids = _seed(client)
    made = client.post("/crm/v3/lists/", json={"name": "picked", "objectTypeId": "0-1", "processingType": "MANUAL"})
    list_id = made.json()["list"]["listId"]
    client.put(f"/crm/v3/lists/{list_id}/memberships/add", json=[ids["b@example.com"], ids["c@example.com"]])
    export_id = _export(client, exportType="LIST", listId=list_id, objectProperties=["email"])
    assert _rows(client, export_id)[1:] == [
        [ids["b@example.com"], "b@example.com"],
        [ids["c@example.com"], "c@example.com"],
    ]


def test_an_export_imported_into_an_empty_portal_gives_the_same_records(new_portal):
    _, source = new_portal()
    _seed(source)
    names = ["email", "firstname", "lifecyclestage"]
    export_id = _export(source, objectProperties=names, exportInternalValuesOptions=["NAMES", "VALUES"])
    content = _file(source, export_id).content
    _, target = new_portal()
    mappings = [
        {
            "columnObjectTypeId": "0-1",
            "columnName": name,
            "propertyName": name,
            **({"columnType": "HUBSPOT_ALTERNATE_ID"} if name == "email" else {}),
        }
        for name in names
    ]
    mappings.append({"columnObjectTypeId": "0-1", "columnName": "hs_object_id", "ignored": True})
    request = {"files": [{"fileName": "export.csv", "fileImportPage": {"hasHeader": True, "columnMappings": mappings}}]}
    started = target.post(
        "/crm/v3/imports", data={"importRequest": json.dumps(request)}, files={"files": ("export.csv", content)}
    ).json()
    deadline = time.monotonic() + 30
    while target.get(f"/crm/v3/imports/{started['id']}").json()["state"] != "DONE":
        assert time.monotonic() < deadline
        time.sleep(0.05)

    def records(client: httpx.Client) -> list[dict]:
        page = client.get("/crm/v3/objects/contacts", params={"properties": ",".join(names)}).json()["results"]
        return sorted(({name: r["properties"][name] for name in names} for r in page), key=lambda r: r["email"])

    assert records(target) == records(source) and len(records(source)) == 3


def test_an_xlsx_export_opens_as_a_workbook(new_portal):
    openpyxl = pytest.importorskip("openpyxl")
    _, client = new_portal()
    ids = _seed(client)
    answer = _file(client, _export(client, format="xlsx", objectProperties=["email"]))
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)][:2] == [
        ["Record ID", "Email"],
        [ids["a@example.com"], "a@example.com"],
    ]


def test_a_link_expires_after_five_minutes_and_a_new_status_mints_another(new_portal, admin):
    _, client = new_portal()
    _seed(client)
    export_id = _export(client, objectProperties=["email"])
    old = client.get(f"{ASYNC}/tasks/{export_id}/status").json()["result"]
    assert admin.put("/clock", json={"advanceMs": 5 * 60 * 1000 + 1}).status_code == 200
    try:
        assert_error(httpx.get(old), 404, "OBJECT_NOT_FOUND")
        assert _file(client, export_id).status_code == 200
    finally:
        admin.delete("/clock")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"objectProperties": ["no_such_property"]}, "0-1 has no property 'no_such_property'."),
        ({"objectProperties": ["email"], "format": "XLS"}, "format must be one of CSV, XLSX"),
        ({"objectProperties": ["email"], "exportType": "LIST"}, "A LIST export needs the listId"),
        ({"objectProperties": ["email"], "objectType": "WIDGET"}, "Unknown object type 'WIDGET'."),
        ({"objectProperties": []}, "objectProperties must name 1 to 1000 properties."),
        (
            {
                "objectProperties": ["email"],
                "publicCrmSearchRequest": {"filters": [{"propertyName": "email", "operator": "LIKE"}]},
            },
            None,
        ),
        ({"objectProperties": ["email"], "publicCrmSearchRequest": {"query": "ada"}}, "publicCrmSearchRequest.query"),
    ],
)
def test_bad_requests_are_400s(new_portal, body, message):
    _, client = new_portal()
    answer = assert_error(
        client.post(ASYNC, json={"format": "CSV", "objectType": "CONTACT", **body}), 400, "VALIDATION_ERROR"
    )
    if message is not None:
        assert answer["message"].startswith(message), answer["message"]


def test_unknown_exports_and_missing_scopes_are_refused(new_portal):
    portal_id, client = new_portal()
    assert_error(
        client.get(f"{ASYNC}/tasks/123456789/status"),
        403,
        "MISSING_SCOPES",
        f"Permission to get export file cannot be granted for exportId 123456789 and portalId {portal_id}",
    )
    assert_error(httpx.get(str(client.base_url) + "/crm/v3/exports/export/files/not-a-link"), 404, "OBJECT_NOT_FOUND")
    _, reader = new_portal(scopes=["crm.objects.contacts.read"])
    assert_error(
        reader.post(ASYNC, json={"format": "CSV", "objectType": "CONTACT", "objectProperties": ["email"]}),
        403,
        "MISSING_SCOPES",
    )
