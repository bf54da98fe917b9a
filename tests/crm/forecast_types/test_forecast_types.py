"""Forecast types (the portal's forecast settings) and forecasts (a read-only object type), over real HTTP."""

from __future__ import annotations

import pytest

from tests.conftest import make_client
from tests.support.asserts import assert_error

PREFIXES = ["/forecast-settings/v3", "/forecast-settings/2026-09"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_portal_has_the_default_forecast_types(admin, new_portal, prefix):
    portal_id, api = new_portal()
    created_at = admin.get(f"/portals/{portal_id}").json()["createdAt"]
    listed = api.get(f"{prefix}/forecast-types")
    assert listed.status_code == 200, listed.text
    results = listed.json()["results"]
    assert [(t["id"], t["forecastTypeId"], t["forecastName"], t["defaultType"]) for t in results] == [
        ("1", 1, "Deal amount", True),
        ("2", 2, "Deal amount by create date", False),
    ]
    first = results[0]
    assert first == {
        "id": "1",
        "forecastTypeId": 1,
        "forecastName": "Deal amount",
        "objectTypeId": "0-3",
        "amountProperty": "amount",
        "dateProperty": "closedate",
        "defaultType": True,
        "amountOrDatePropertyRestrictedForUser": False,
        "createdAt": created_at,
        "createdAtTimestamp": first["createdAtTimestamp"],
        "createdBy": 0,
        "updatedAt": created_at,
        "updatedTimestamp": first["createdAtTimestamp"],
        "updatedBy": 0,
    }
    # The properties a type names are the deal properties of the portal.
    for forecast_type in results:
        for name in (forecast_type["amountProperty"], forecast_type["dateProperty"]):
            assert api.get(f"/crm/v3/properties/deals/{name}").status_code == 200
    single = api.get(f"{prefix}/forecast-types/2")
    assert single.status_code == 200, single.text
    assert single.json() == results[1]


@pytest.mark.parametrize("forecast_type_id", ["3", "0", "abc", "01"])
def test_an_unknown_forecast_type_is_a_404(api, forecast_type_id):
    body = assert_error(api.get(f"/forecast-settings/v3/forecast-types/{forecast_type_id}"), 404, "OBJECT_NOT_FOUND")
    assert body["message"] == "Forecast type not found"
    assert body["context"] == {"forecastTypeId": [forecast_type_id]}


def test_forecast_types_take_the_forecast_scopes(base_url, token_for):
    for scope in ("forecast-read", "forecasting-access"):
        with make_client(base_url, token_for(scope)) as client:
            assert client.get("/forecast-settings/v3/forecast-types").status_code == 200
    with make_client(base_url, token_for("crm.objects.deals.read")) as client:
        assert_error(client.get("/forecast-settings/v3/forecast-types/1"), 403, "MISSING_SCOPES")


@pytest.mark.parametrize(
    "prefix", ["/crm/objects/v3", "/crm/v3/objects", "/crm/objects/2025-09", "/crm/objects/2026-09"]
)
def test_forecasts_read_with_their_scope_and_take_no_write(base_url, token_for, prefix):
    with make_client(base_url, token_for("crm.objects.forecasts.read")) as reader:
        listed = reader.get(f"{prefix}/forecasts")
        assert listed.status_code == 200, listed.text
        assert listed.json() == {"results": []}
        assert_error(reader.get(f"{prefix}/forecasts/1"), 404, "OBJECT_NOT_FOUND")
        milestone = reader.get("/crm/v3/properties/forecasts/hs_milestone")
        assert milestone.status_code == 200, milestone.text
        assert [o["value"] for o in milestone.json()["options"]] == ["monthly", "quarterly"]
        refused = assert_error(
            reader.post(f"{prefix}/forecasts", json={"properties": {"hs_year": "2026"}}),
            400,
            "VALIDATION_ERROR",
            "Records of type forecasts do not support create through the API.",
        )
        assert refused["context"] == {"objectType": ["forecasts"], "operations": ["create"]}
    with make_client(base_url, token_for("crm.objects.deals.read")) as other:
        assert_error(other.get(f"{prefix}/forecasts"), 403, "MISSING_SCOPES")
