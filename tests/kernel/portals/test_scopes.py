"""The scope table (localspot/kernel/portals/scopes.py) over HTTP: for each operation, a token holding one
accepted scope gets past authorisation, and a token holding every other scope the table knows gets HubSpot's
403 naming exactly the accepted ones."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from localspot.kernel.portals.scopes import TABLE, Operation, accepted
from localspot.kernel.schema.catalog import load_catalog
from tests.conftest import make_client
from tests.support.asserts import assert_error

CATALOG = {object_type.name: object_type for object_type in load_catalog().object_types}


@dataclass(frozen=True)
class Case:
    operation: Operation
    type_name: str | None
    method: str
    path: str
    body: Any = None

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


CASES = [
    Case(Operation.OBJECTS_READ, "contacts", "GET", "/crm/v3/objects/contacts"),
    Case(Operation.OBJECTS_READ, "deals", "POST", "/crm/v3/objects/deals/search", {}),
    Case(Operation.OBJECTS_WRITE, "tasks", "POST", "/crm/v3/objects/tasks/batch/archive", {"inputs": []}),
    Case(Operation.OBJECTS_WRITE, "tickets", "DELETE", "/crm/v3/objects/tickets/999999999"),
    Case(Operation.PROPERTIES_READ, "contacts", "GET", "/crm/v3/properties/contacts/email"),
    Case(Operation.PROPERTIES_READ, "tickets", "GET", "/crm/v3/properties/tickets/groups"),
    Case(Operation.PROPERTIES_READ, "tasks", "POST", "/crm/v3/properties/tasks/batch/read", {"inputs": []}),
    Case(
        Operation.PROPERTIES_WRITE,
        "contacts",
        "POST",
        "/crm/v3/properties/contacts/batch/archive",
        {"inputs": [{"name": "no_such_property"}]},
    ),
    Case(Operation.PROPERTIES_WRITE, "companies", "DELETE", "/crm/v3/properties/companies/groups/no_such_group"),
    Case(Operation.PROPERTIES_WRITE, "deals", "PATCH", "/crm/v3/properties/deals/no_such_property", {}),
    Case(Operation.PROPERTIES_WRITE, "products", "DELETE", "/crm/v3/properties/products/no_such_property"),
    Case(Operation.PIPELINES_READ, "deals", "GET", "/crm/v3/pipelines/deals"),
    Case(Operation.PIPELINES_WRITE, "tickets", "DELETE", "/crm/v3/pipelines/tickets/no_such_pipeline"),
    Case(Operation.ASSOCIATIONS_READ, "contacts", "GET", "/crm/v4/objects/contacts/1/associations/companies"),
    Case(
        Operation.ASSOCIATIONS_READ, "deals", "POST", "/crm/v4/associations/deals/contacts/batch/read", {"inputs": []}
    ),
    Case(
        Operation.ASSOCIATIONS_WRITE,
        "companies",
        "POST",
        "/crm/v4/associations/companies/contacts/batch/archive",
        {"inputs": []},
    ),
    Case(Operation.ASSOCIATIONS_WRITE, "contacts", "DELETE", "/crm/v4/objects/contacts/1/associations/companies/2"),
    Case(Operation.ASSOCIATION_SCHEMA_READ, None, "GET", "/crm/v4/associations/definitions/configurations/all"),
    Case(Operation.ASSOCIATION_SCHEMA_READ, "deals", "GET", "/crm/v4/associations/deals/contacts/labels"),
    Case(
        Operation.ASSOCIATION_SCHEMA_READ,
        "contacts",
        "GET",
        "/crm/v4/associations/definitions/configurations/contacts/companies",
    ),
    Case(
        Operation.ASSOCIATION_SCHEMA_WRITE,
        "tickets",
        "POST",
        "/crm/v4/associations/definitions/configurations/tickets/contacts/batch/purge",
        {"inputs": []},
    ),
    Case(
        Operation.ASSOCIATION_SCHEMA_WRITE,
        "contacts",
        "DELETE",
        "/crm/v4/associations/contacts/companies/labels/999999",
    ),
    Case(Operation.SCHEMAS_READ, None, "GET", "/crm-object-schemas/v3/schemas"),
    Case(Operation.SCHEMAS_WRITE, None, "DELETE", "/crm-object-schemas/v3/schemas/no_such_schema"),
    Case(Operation.OWNERS_READ, None, "GET", "/crm/v3/owners/"),
    Case(Operation.LISTS_READ, None, "POST", "/crm/v3/lists/search", {}),
    Case(Operation.LISTS_READ, None, "GET", "/crm/v3/lists/records/0-1/1/memberships"),
    Case(Operation.LISTS_WRITE, None, "DELETE", "/crm/v3/lists/999999999"),
    Case(Operation.IMPORTS, None, "GET", "/crm/v3/imports"),
    Case(Operation.IMPORTS, None, "GET", "/crm/v3/imports/1/errors"),
    Case(
        Operation.EXPORTS,
        None,
        "POST",
        "/crm/v3/exports/export/async",
        {"format": "CSV", "objectType": "CONTACT", "objectProperties": ["email"]},
    ),
    Case(Operation.FORECAST_TYPES_READ, None, "GET", "/forecast-settings/v3/forecast-types"),
    Case(Operation.FORECAST_TYPES_READ, None, "GET", "/forecast-settings/2026-09/forecast-types/1"),
    Case(Operation.OBJECT_LIBRARY_READ, None, "GET", "/crm/v3/object-library/enablement"),
    Case(Operation.OBJECT_LIBRARY_READ, None, "GET", "/crm/object-library/2025-09/enablement/0-421"),
    Case(Operation.DEAL_SPLITS, None, "POST", "/crm/objects/v3/deals/splits/batch/read", {"inputs": []}),
    Case(Operation.DEAL_SPLITS, None, "POST", "/deal-splits/2026-09/batch/upsert", {"inputs": []}),
    Case(Operation.DEAL_SPLITS, None, "GET", "/properties/v2/deal_split/properties"),
    Case(Operation.DEAL_SPLITS, None, "GET", "/crm/v3/objects/deal_split"),
    Case(Operation.DEAL_SPLITS, None, "POST", "/crm/objects/2026-03/deal_split/search", {}),
    Case(Operation.FORMS_READ, None, "GET", "/properties/v1/form/properties"),
    Case(
        Operation.SUBSCRIPTION_LIFECYCLE, None, "POST", "/payments-subscriptions/v1/subscriptions/crm/999999999/cancel"
    ),
    Case(Operation.LIMITS_READ, None, "GET", "/crm/v3/limits/records"),
    Case(Operation.LIMITS_READ, None, "GET", "/crm/limits/2026-03/associations/labels"),
    Case(Operation.LIMITS_READ, None, "GET", "/crm/v3/limits/associations/records/0-1/0-2"),
    Case(Operation.CUSTOM_OBJECT_LIMITS_READ, None, "GET", "/crm/v3/limits/custom-object-types"),
    Case(Operation.ACCOUNT_INFO_READ, None, "GET", "/account-info/v3/details"),
    Case(Operation.ACCOUNT_INFO_READ, None, "GET", "/account-info/2026-03/api-usage/daily/private-apps"),
    Case(Operation.ACCOUNT_INFO_READ, None, "GET", "/account-info/v3/api-usage/daily"),
    Case(Operation.CALL_TRANSCRIPTS_READ, None, "GET", "/crm/v3/extensions/calling/transcripts/1"),
    Case(Operation.CALL_TRANSCRIPTS_WRITE, None, "DELETE", "/crm/extensions/calling/2026-03/transcripts/1"),
    Case(Operation.CALLS_INBOUND, None, "POST", "/crm/v3/extensions/calling/recordings/ready", {"engagementId": 1}),
    Case(Operation.CALLING_CONNECTIONS_READ, None, "GET", "/crm/extensions/calling/v3/connection-statuses/me"),
    # Newer catalogue types: their own scopes, and where the spec lists none naming the type for an
    # operation (leads' property writes, contracts' property reads), the type's record scopes.
    Case(Operation.OBJECTS_READ, "feedback_submissions", "GET", "/crm/v3/objects/feedback_submissions"),
    Case(Operation.OBJECTS_WRITE, "quotes", "DELETE", "/crm/v3/objects/quotes/999999999"),
    Case(Operation.PROPERTIES_WRITE, "leads", "DELETE", "/crm/v3/properties/leads/no_such_property"),
    Case(Operation.PROPERTIES_READ, "contracts", "GET", "/crm/v3/properties/contracts/hs_name"),
]


def every_known_scope() -> set[str]:
    known = {scope for rule in TABLE.values() if rule.listed is not None for scope in rule.listed}
    for object_type in CATALOG.values():
        known |= {*object_type.read_scopes, *object_type.write_scopes}
    return known


def expected(case: Case) -> tuple[str, ...]:
    return accepted(case.operation, CATALOG[case.type_name] if case.type_name else None)


@pytest.fixture(scope="module")
def client_with(base_url: str, token_for: Callable[..., str]) -> Iterator[Callable[[frozenset[str]], httpx.Client]]:
    """A client whose token holds exactly these scopes; one token per scope set (minting one is a process)."""
    clients: dict[frozenset[str], httpx.Client] = {}

    def get(scopes: frozenset[str]) -> httpx.Client:
        if scopes not in clients:
            clients[scopes] = make_client(base_url, token_for(",".join(sorted(scopes))))
        return clients[scopes]

    yield get
    for client in clients.values():
        client.close()


def send(client: httpx.Client, case: Case) -> httpx.Response:
    return client.request(case.method, case.path, json=case.body)


def test_every_operation_is_covered() -> None:
    assert {case.operation for case in CASES} == set(Operation)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_one_accepted_scope_passes(client_with, case: Case) -> None:
    scopes = expected(case)
    # The first and the last accepted scope each suffice alone.
    for scope in {scopes[0], scopes[-1]}:
        response = send(client_with(frozenset({scope})), case)
        assert response.status_code not in (401, 403), (scope, response.text)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_every_other_scope_is_refused_with_the_accepted_ones_named(client_with, case: Case) -> None:
    scopes = expected(case)
    others = frozenset(every_known_scope() - set(scopes))
    body = assert_error(send(client_with(others), case), 403, "MISSING_SCOPES")
    assert body["errors"] == [
        {
            "message": "One or more of the following scopes are required.",
            "context": {"requiredGranularScopes": list(scopes)},
        }
    ]


def test_the_issues_examples(client_with) -> None:
    """Property definition writes need the type's schema scope (a record write scope no longer suffices),
    and property reads accept what the spec lists beside the schema scope."""
    assert accepted(Operation.PROPERTIES_WRITE, CATALOG["contacts"]) == ("crm.schemas.contacts.write",)
    writer = client_with(frozenset({"crm.objects.contacts.write"}))
    created = writer.post(
        "/crm/v3/properties/contacts",
        json={"name": "x", "label": "X", "type": "string", "fieldType": "text", "groupName": "contactinformation"},
    )
    assert_error(created, 403, "MISSING_SCOPES")
    archived = writer.delete("/crm/v3/properties/contacts/firstname")
    assert_error(archived, 403, "MISSING_SCOPES")
    for scope in ("crm.objects.contacts.write", "crm.objects.contacts.sensitive.read.v2", "automation"):
        assert client_with(frozenset({scope})).get("/crm/v3/properties/contacts/email").status_code == 200


@pytest.mark.parametrize("scopes", [frozenset(), frozenset({"crm.objects.owners.read"})])
def test_limit_configurations_refuse_a_token_without_an_association_scope(client_with, scopes) -> None:
    response = client_with(scopes).get("/crm/v4/associations/definitions/configurations/all")
    assert_error(response, 403, "MISSING_SCOPES")
    granted = client_with(frozenset({"crm.objects.deals.read"}))
    assert granted.get("/crm/v4/associations/definitions/configurations/all").status_code == 200


def test_types_the_spec_lists_no_scope_for_fall_back_on_their_record_scopes() -> None:
    assert accepted(Operation.PROPERTIES_WRITE, CATALOG["leads"]) == ("crm.objects.leads.write",)
    assert accepted(Operation.PROPERTIES_READ, CATALOG["contracts"]) == (
        "automation",
        "crm.objects.contracts.read",
        "timeline",
    )
    # A type with no write scope: no token but the all-scopes one writes it.
    assert accepted(Operation.OBJECTS_WRITE, CATALOG["feedback_submissions"]) == ()


def test_a_write_no_scope_allows_is_refused_to_every_scoped_token(client_with) -> None:
    everything = frozenset(every_known_scope())
    response = client_with(everything).delete("/crm/v3/properties/contracts/hs_name")
    body = assert_error(response, 403, "MISSING_SCOPES")
    assert body["errors"][0]["context"] == {"requiredGranularScopes": []}
