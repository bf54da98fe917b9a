"""A 405 is HubSpot's error body with an `Allow` header listing the route's methods (RFC 9110)."""

from __future__ import annotations

import pytest

from tests.support.asserts import assert_error


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/crm/v3/objects/contacts/batch/create", {"POST"}),
        ("PUT", "/crm/v3/objects/contacts/1", {"GET", "HEAD", "PATCH", "DELETE"}),
        ("POST", "/crm/v3/owners/", {"GET", "HEAD"}),
        ("PATCH", "/crm/pipelines/2026-03/deals", {"GET", "HEAD", "POST"}),
    ],
)
def test_a_405_carries_an_allow_header(api, method, path, allowed):
    response = api.request(method, path)
    assert_error(response, 405, "VALIDATION_ERROR")
    assert {m.strip() for m in response.headers["allow"].split(",")} == allowed
