"""Every query parameter localspot parses, given an invalid value, on every area and under both prefixes:
HubSpot's 400 body, never a 500, and nothing written; without a token the request is refused (401) before
its query is read."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import make_client
from tests.support.asserts import assert_error

# (method, path under the classic prefix, the same path under the date-versioned prefix, parameter)
CASES: list[tuple[str, str, str, str]] = []


def case(method: str, classic: str, dated: str, *parameters: str) -> None:
    CASES.extend((method, classic, dated, parameter) for parameter in parameters)


PIPELINE = ("/crm/v3/pipelines/deals/default", "/crm/pipelines/2026-03/deals/default")
STAGE = (f"{PIPELINE[0]}/stages/appointmentscheduled", f"{PIPELINE[1]}/stages/appointmentscheduled")
VALIDATE = ("validateReferencesBeforeDelete", "validateDealStageUsagesBeforeDelete")
case("PUT", *PIPELINE, *VALIDATE)
case("DELETE", *PIPELINE, *VALIDATE)
case("DELETE", *STAGE, *VALIDATE)
case("GET", "/crm-object-schemas/v3/schemas", "/crm-object-schemas/2026-03/schemas", "archived")
case("DELETE", "/crm-object-schemas/v3/schemas/p_nothing", "/crm-object-schemas/2026-03/schemas/p_nothing", "archived")
case("GET", "/crm/v3/objects/contacts", "/crm/objects/2026-03/contacts", "limit", "archived")
case("GET", "/crm/v3/objects/contacts/1", "/crm/objects/2026-03/contacts/1", "archived")
case("POST", "/crm/v3/objects/contacts/batch/read", "/crm/objects/2026-03/contacts/batch/read", "archived")
case("GET", "/crm/v3/owners/", "/crm/owners/2026-03/", "limit", "archived")
case("GET", "/crm/v3/owners/1", "/crm/owners/2026-03/1", "archived")
case("GET", "/crm/v3/properties/contacts", "/crm/properties/2026-03/contacts", "archived")
case("GET", "/crm/v3/properties/contacts/email", "/crm/properties/2026-03/contacts/email", "archived")
case(
    "GET",
    "/crm/v4/objects/contacts/1/associations/companies",
    "/crm/objects/2026-03/contacts/1/associations/companies",
    "limit",
)

INVALID = {"archived": "yes", "limit": "ten"} | {name: "yes" for name in VALIDATE}
BATCH_READ = {"inputs": [{"id": "1"}], "properties": []}


def send(client: httpx.Client, method: str, path: str, parameter: str, value: str) -> httpx.Response:
    body = BATCH_READ if path.endswith("batch/read") else None
    return client.request(method, path, params={parameter: value}, json=body)


def cases_under_both_prefixes() -> list[tuple[str, str, str]]:
    return [(m, path, p) for m, classic, dated, p in CASES for path in (classic, dated)]


@pytest.mark.parametrize(("method", "path", "parameter"), cases_under_both_prefixes())
def test_an_invalid_query_value_is_a_400(api, method, path, parameter):
    body = assert_error(send(api, method, path, parameter, INVALID[parameter]), 400, "VALIDATION_ERROR")
    assert parameter in body["message"]


@pytest.mark.parametrize(("method", "path", "parameter"), cases_under_both_prefixes())
def test_without_a_token_the_request_is_refused_before_its_query_is_read(base_url, method, path, parameter):
    with make_client(base_url, None) as anonymous:
        assert_error(send(anonymous, method, path, parameter, INVALID[parameter]), 401, "INVALID_AUTHENTICATION")


@pytest.mark.parametrize("value", ["0", "101", "-1", "1e3", "9" * 5000, " "])
def test_limits_out_of_range_or_not_integers_are_400(api, value):
    response = api.get("/crm/v3/objects/contacts", params={"limit": value})
    if value.strip():
        assert_error(response, 400, "VALIDATION_ERROR")
    else:
        assert response.status_code == 200  # blank means the default, as absent


def test_a_refused_delete_writes_nothing(api):
    """The default pipeline and its stage are still there after DELETEs refused for their query."""
    for method, classic, _, parameter in CASES:
        if method == "DELETE" and "pipelines" in classic:
            send(api, method, classic, parameter, "yes")
    assert api.get(PIPELINE[0]).status_code == 200
    assert api.get(STAGE[0]).status_code == 200
