"""`/crm/v3/imports`: multipart CSV and spreadsheet imports run in the background with HubSpot's states,
counters and row errors; CREATE, UPDATE and UPSERT; association columns; bad requests write nothing."""

from __future__ import annotations

import io
import json
import time

import httpx
import pytest

from tests.support.asserts import assert_error

EMAIL = {
    "columnObjectTypeId": "0-1",
    "columnName": "Email",
    "propertyName": "email",
    "columnType": "HUBSPOT_ALTERNATE_ID",
}
FIRST = {"columnObjectTypeId": "0-1", "columnName": "First Name", "propertyName": "firstname"}
STAGE = {"columnObjectTypeId": "0-1", "columnName": "Stage", "propertyName": "lifecyclestage"}


def _request(mappings: list[dict], *, file_name: str = "contacts.csv", **extra: object) -> dict:
    page = {"hasHeader": True, "columnMappings": mappings}
    return {"name": "test import", "files": [{"fileName": file_name, "fileImportPage": page}], **extra}


def _start(client: httpx.Client, request: dict, content: bytes, file_name: str = "contacts.csv") -> httpx.Response:
    return client.post(
        "/crm/v3/imports/",
        data={"importRequest": json.dumps(request)},
        files={"files": (file_name, content, "text/csv")},
    )


def _finished(client: httpx.Client, import_id: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/crm/v3/imports/{import_id}").json()
        if body["state"] not in ("STARTED", "PROCESSING"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"import {import_id} still running: {body}")


def _contacts(client: httpx.Client) -> dict[str, dict]:
    found = client.get(
        "/crm/v3/objects/contacts", params={"properties": "email,firstname,lifecyclestage", "limit": 100}
    )
    return {r["properties"]["email"]: r for r in found.json()["results"]}


def test_the_official_client_imports_a_csv_and_reads_its_state_and_errors(new_portal, base_url, tmp_path):
    from hubspot import HubSpot
    from urllib3.util.retry import Retry

    _, client = new_portal()
    token = client.headers["authorization"].split()[1]
    hubspot = HubSpot(access_token=token, host=base_url, base_url=base_url, retry=Retry(total=0))
    path = tmp_path / "contacts.csv"
    path.write_text(
        "Email,First Name,Stage\na@example.com,Ada,Lead\nb@example.com,Bob,customer\nc@example.com,Cy,nope\n"
    )
    started = hubspot.crm.imports.core_api.create(
        files=str(path), import_request=json.dumps(_request([EMAIL, FIRST, STAGE]))
    )
    assert started.state == "STARTED" and started.metadata.counters == {}
    done = _finished(client, started.id)
    assert done["state"] == "DONE"
    assert done["metadata"]["counters"] == {
        "TOTAL_ROWS": 3,
        "CREATED_OBJECTS": 2,
        "UPDATED_OBJECTS": 0,
        "UNIQUE_OBJECTS_WRITTEN": 2,
        "ERRORS": 1,
    }
    assert done["mappedObjectTypeIds"] == ["0-1"] and done["importSource"] == "API"
    read = hubspot.crm.imports.core_api.get_by_id(int(started.id))
    assert (read.id, read.state, read.import_name) == (started.id, "DONE", "test import")
    contacts = _contacts(client)
    assert {email: c["properties"]["lifecyclestage"] for email, c in contacts.items()} == {
        "a@example.com": "lead",
        "b@example.com": "customer",
    }
    [error] = hubspot.crm.imports.public_imports_api.get_errors(
        int(started.id), include_error_message=True, include_row_data=True
    ).results
    assert (error.error_type, error.object_type, error.invalid_value) == (
        "INVALID_ENUMERATION_OPTION",
        "CONTACT",
        "nope",
    )
    assert error.source_data.line_number == 4 and error.source_data.row_data == ["c@example.com", "Cy", "nope"]
    assert error.known_column_number == 2 and "nope" in error.error_message


def test_values_are_converted_as_hubspots_import_converts_them(new_portal):
    _, client = new_portal()
    for name, kind, field_type in (
        ("born", "date", "date"),
        ("visits", "number", "number"),
        ("vip", "bool", "booleancheckbox"),
    ):
        made = client.post(
            "/crm/v3/properties/contacts",
            json={
                "name": name,
                "label": name,
                "type": kind,
                "fieldType": field_type,
                "groupName": "contactinformation",
            },
        )
        assert made.status_code == 201, made.text
    mappings = [EMAIL] + [
        {"columnObjectTypeId": "0-1", "columnName": name.title(), "propertyName": name}
        for name in ("born", "visits", "vip")
    ]
    content = b'Email,Born,Visits,Vip\nd@example.com,12/31/1990,"1,234",Yes\nd2@example.com,31/12/1990,x,maybe\n'
    started = _start(client, _request(mappings), content)
    assert started.status_code == 200, started.text
    done = _finished(client, started.json()["id"])
    record = client.get(
        "/crm/v3/objects/contacts/d@example.com", params={"idProperty": "email", "properties": "born,visits,vip"}
    ).json()
    assert {name: record["properties"][name] for name in ("born", "visits", "vip")} == {
        "born": "1990-12-31",
        "visits": "1234",
        "vip": "true",
    }
    [error] = client.get(f"/crm/v3/imports/{done['id']}/errors").json()["results"]
    # The row's first bad cell is reported (the date: 31 is no month in MONTH_DAY_YEAR).
    assert (error["errorType"], error["invalidValue"], error["knownColumnNumber"]) == (
        "COULD_NOT_PARSE_DATE",
        "31/12/1990",
        1,
    )


def test_upsert_by_email_updates_existing_and_creates_new(new_portal):
    _, client = new_portal()
    client.post("/crm/v3/objects/contacts", json={"properties": {"email": "old@example.com", "firstname": "Old"}})
    started = _start(
        client, _request([EMAIL, FIRST]), b"Email,First Name\nold@example.com,Renamed\nnew@example.com,New\n"
    )
    done = _finished(client, started.json()["id"])
    assert (done["metadata"]["counters"]["CREATED_OBJECTS"], done["metadata"]["counters"]["UPDATED_OBJECTS"]) == (1, 1)
    assert {e: c["properties"]["firstname"] for e, c in _contacts(client).items()} == {
        "old@example.com": "Renamed",
        "new@example.com": "New",
    }


def test_update_only_and_create_only_imports_report_the_rows_they_cannot_write(new_portal):
    _, client = new_portal()
    existing = client.post("/crm/v3/objects/contacts", json={"properties": {"email": "e@example.com"}}).json()
    by_id = {
        "columnObjectTypeId": "0-1",
        "columnName": "Record ID",
        "propertyName": "hs_object_id",
        "columnType": "HUBSPOT_OBJECT_ID",
    }
    update = _request([by_id, FIRST], importOperations={"0-1": "UPDATE"})
    started = _start(client, update, f"Record ID,First Name\n{existing['id']},Eve\n999999999999,Nobody\n".encode())
    done = _finished(client, started.json()["id"])
    assert (done["metadata"]["counters"]["UPDATED_OBJECTS"], done["metadata"]["counters"]["ERRORS"]) == (1, 1)
    [error] = client.get(f"/crm/v3/imports/{done['id']}/errors").json()["results"]
    assert error["errorType"] == "UPDATE_ONLY_IMPORT" and "errorMessage" not in error
    assert error["sourceData"]["rowData"] == []  # includeRowData not asked
    create = _request([EMAIL, FIRST], importOperations={"0-1": "CREATE"})
    started = _start(client, create, b"Email,First Name\ne@example.com,Again\nf@example.com,Fay\n")
    done = _finished(client, started.json()["id"])
    [error] = client.get(f"/crm/v3/imports/{done['id']}/errors").json()["results"]
    assert error["errorType"] == "CREATE_ONLY_IMPORT"
    assert sorted(_contacts(client)) == ["e@example.com", "f@example.com"]


def test_rows_that_cannot_be_read_are_reported_and_the_others_imported(new_portal):
    _, client = new_portal()
    started = _start(
        client, _request([EMAIL, FIRST]), b"Email,First Name\ng@example.com,Gil\nshort\n\nh@example.com,Hal\n"
    )
    done = _finished(client, started.json()["id"])
    assert done["metadata"]["counters"]["TOTAL_ROWS"] == 4 and done["metadata"]["counters"]["CREATED_OBJECTS"] == 2
    errors = client.get(f"/crm/v3/imports/{done['id']}/errors", params={"includeRowData": "true"}).json()["results"]
    assert [(e["errorType"], e["sourceData"]["lineNumber"], e["sourceData"]["rowData"]) for e in errors] == [
        ("INCORRECT_NUMBER_OF_COLUMNS", 3, ["short"])
    ]


def test_an_association_column_associates_each_created_record(new_portal):
    _, client = new_portal()
    company = client.post("/crm/v3/objects/companies", json={"properties": {"name": "Acme"}}).json()
    to_company = {
        "columnObjectTypeId": "0-2",
        "columnName": "Company ID",
        "columnType": "HUBSPOT_OBJECT_ID",
        "foreignKeyType": {"associationTypeId": 1, "associationCategory": "HUBSPOT_DEFINED"},
    }
    started = _start(
        client, _request([EMAIL, to_company]), f"Email,Company ID\ni@example.com,{company['id']}\n".encode()
    )
    done = _finished(client, started.json()["id"])
    assert done["metadata"]["counters"]["CREATED_OBJECTS"] == 1
    contact = client.get(
        "/crm/v3/objects/contacts/i@example.com", params={"idProperty": "email", "associations": "companies"}
    )
    # The primary association (type 1) reads with its unlabeled twin, as HubSpot shows them.
    assert {a["id"] for a in contact.json()["associations"]["companies"]["results"]} == {company["id"]}


def test_a_spreadsheet_is_imported_too(new_portal):
    openpyxl = pytest.importorskip("openpyxl")
    _, client = new_portal()
    workbook = openpyxl.Workbook()
    workbook.active.append(["Email", "First Name"])
    workbook.active.append(["x@example.com", "Xia"])
    content = io.BytesIO()
    workbook.save(content)
    request = _request([EMAIL, FIRST], file_name="people.xlsx")
    request["files"][0]["fileFormat"] = "SPREADSHEET"
    started = _start(client, request, content.getvalue(), file_name="people.xlsx")
    assert _finished(client, started.json()["id"])["metadata"]["counters"]["CREATED_OBJECTS"] == 1
    assert _contacts(client)["x@example.com"]["properties"]["firstname"] == "Xia"


def test_imports_are_listed_and_paged(new_portal):
    _, client = new_portal()
    ids = [_start(client, _request([EMAIL]), f"Email\nl{n}@example.com\n".encode()).json()["id"] for n in range(3)]
    first = client.get("/crm/v3/imports", params={"limit": 2}).json()
    assert [i["id"] for i in first["results"]] == ids[:2]
    rest = client.get("/crm/v3/imports/", params={"limit": 2, "after": first["paging"]["next"]["after"]}).json()
    assert [i["id"] for i in rest["results"]] == ids[2:] and "paging" not in rest


def test_cancel_answers_an_action_response_and_a_finished_import_stays_done(new_portal):
    _, client = new_portal()
    started = _start(client, _request([EMAIL]), b"Email\nk@example.com\n").json()
    _finished(client, started["id"])
    cancelled = client.post(f"/crm/v3/imports/{started['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "COMPLETE"
    assert client.get(f"/crm/v3/imports/{started['id']}").json()["state"] == "DONE"


@pytest.mark.parametrize(
    ("mappings", "message"),
    [
        ([{**FIRST, "propertyName": "no_such_property"}], "Column 'First Name' maps property 'no_such_property'"),
        ([{**FIRST, "columnObjectTypeId": "9-99"}], "Unknown object type '9-99'"),
        ([{**FIRST, "columnType": "HUBSPOT_ALTERNATE_ID"}], "Column 'First Name': firstname is not a unique property"),
        ([EMAIL, {**EMAIL, "columnName": "Other"}], "contacts.csv: at most one column identifies the file's records."),
    ],
)
def test_a_bad_request_is_a_400_and_stores_nothing(new_portal, mappings, message):
    _, client = new_portal()
    body = assert_error(_start(client, _request(mappings), b"Email,First Name\n"), 400, "VALIDATION_ERROR")
    assert body["message"].startswith(message), body["message"]
    assert client.get("/crm/v3/imports").json() == {"results": []}


def test_malformed_multipart_requests_are_400s(new_portal):
    _, client = new_portal()
    assert_error(client.post("/crm/v3/imports", json={"files": []}), 400, "VALIDATION_ERROR")
    wrong_name = _start(client, _request([EMAIL], file_name="other.csv"), b"Email\n")
    assert_error(
        wrong_name,
        400,
        "VALIDATION_ERROR",
        "No file part named 'other.csv': each files[].fileName must be the uploaded file's name.",
    )
    not_json = client.post("/crm/v3/imports", data={"importRequest": "{"}, files={"files": ("a.csv", b"x", "text/csv")})
    assert assert_error(not_json, 400, "VALIDATION_ERROR")["message"].startswith("importRequest is not a valid")
    assert client.get("/crm/v3/imports").json() == {"results": []}


def test_ids_and_scopes(new_portal):
    _, client = new_portal()
    assert_error(client.get("/crm/v3/imports/0"), 400, "VALIDATION_ERROR", "importId must be positive.")
    assert_error(client.get("/crm/v3/imports/123456789/errors"), 404, "OBJECT_NOT_FOUND")
    _, reader = new_portal(scopes=["crm.objects.contacts.write"])
    assert_error(_start(reader, _request([EMAIL]), b"Email\n"), 403, "MISSING_SCOPES")
    _, importer = new_portal(scopes=["crm.import"])
    assert _start(importer, _request([EMAIL]), b"Email\nscoped@example.com\n").status_code == 200


def test_a_multi_file_import_joins_its_files_by_their_common_column(new_portal):
    _, client = new_portal()
    contact_email = {**EMAIL, "associationIdentifierColumn": True}
    company_name = {"columnObjectTypeId": "0-2", "columnName": "Company", "propertyName": "name"}
    common = {
        "columnObjectTypeId": "0-2",
        "toColumnObjectTypeId": "0-1",
        "columnName": "Email",
        "propertyName": None,
        "foreignKeyType": {"associationTypeId": 280, "associationCategory": "HUBSPOT_DEFINED"},
    }
    page = lambda mappings: {"hasHeader": True, "columnMappings": mappings}  # noqa: E731
    request = {
        "name": "two files",
        "files": [
            # The companies file comes first, yet the contacts it names are written before it.
            {"fileName": "companies.csv", "fileImportPage": page([company_name, common])},
            {"fileName": "contacts.csv", "fileImportPage": page([contact_email, FIRST])},
        ],
    }
    started = client.post(
        "/crm/v3/imports",
        data={"importRequest": json.dumps(request)},
        files=[
            (
                "files",
                ("companies.csv", b"Company,Email\nAcme,m@example.com\nGhost Inc,nobody@example.com\n", "text/csv"),
            ),
            ("files", ("contacts.csv", b"Email,First Name\nm@example.com,Mia\n", "text/csv")),
        ],
    )
    assert started.status_code == 200, started.text
    done = _finished(client, started.json()["id"])
    assert done["state"] == "DONE"
    assert done["metadata"]["counters"]["CREATED_OBJECTS"] == 2 and done["metadata"]["counters"]["ERRORS"] == 1
    [error] = client.get(f"/crm/v3/imports/{done['id']}/errors").json()["results"]
    assert (error["errorType"], error["invalidValue"]) == (
        "NO_OBJECT_ID_FROM_ASSOCIATION_IDENTIFIER",
        "nobody@example.com",
    )
    contact = client.get(
        "/crm/v3/objects/contacts/m@example.com", params={"idProperty": "email", "associations": "companies"}
    ).json()
    [company_id] = {a["id"] for a in contact["associations"]["companies"]["results"]}
    assert client.get(f"/crm/v3/objects/companies/{company_id}").json()["properties"]["name"] == "Acme"
