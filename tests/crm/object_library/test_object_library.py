"""The object library's enablement statuses over real HTTP: every type localspot serves is activated."""

from __future__ import annotations

import pytest

from tests.conftest import make_client
from tests.crm.schemas.test_object_schemas import schema_body
from tests.support.asserts import assert_error

PREFIXES = ["/crm/v3/object-library", "/crm/object-library/2025-09", "/crm/object-library/2026-09"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_the_activatable_types_are_all_activated(api, prefix):
    listed = api.get(f"{prefix}/enablement")
    assert listed.status_code == 200, listed.text
    assert listed.json() == {"enablementByObjectTypeId": {"0-420": True, "0-421": True, "0-162": True, "0-410": True}}


@pytest.mark.parametrize("object_type_id", ["0-421", "0-1", "0-3", "0-983", "0-115"])
def test_every_catalogue_type_is_activated(api, object_type_id):
    single = api.get(f"/crm/v3/object-library/enablement/{object_type_id}")
    assert single.status_code == 200, single.text
    assert single.json() == {"enablement": True}


def test_a_custom_type_of_the_portal_is_activated_and_an_unknown_one_is_a_404(new_portal, unique):
    _, api = new_portal()
    created = api.post("/crm-object-schemas/v3/schemas", json=schema_body(f"kites_{unique}"))
    assert created.status_code == 201, created.text
    type_id = created.json()["objectTypeId"]
    assert api.get(f"/crm/object-library/2026-03/enablement/{type_id}").json() == {"enablement": True}
    assert "2-" not in "".join(api.get("/crm/v3/object-library/enablement").json()["enablementByObjectTypeId"])
    for unknown in ("2-999999", "0-999", "contacts", "abc"):
        body = assert_error(api.get(f"/crm/v3/object-library/enablement/{unknown}"), 404, "OBJECT_NOT_FOUND")
        assert body["message"] == f"Object type {unknown} does not exist."
        assert body["context"] == {"objectTypeId": [unknown]}


def test_any_record_scope_reads_the_library(base_url, token_for):
    for scope in ("crm.objects.appointments.read", "crm.objects.contacts.write", "e-commerce"):
        with make_client(base_url, token_for(scope)) as client:
            assert client.get("/crm/v3/object-library/enablement").status_code == 200
    with make_client(base_url, token_for("crm.lists.read")) as client:
        assert_error(client.get("/crm/v3/object-library/enablement/0-421"), 403, "MISSING_SCOPES")
