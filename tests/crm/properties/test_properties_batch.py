"""Properties batch create, read and archive."""

from __future__ import annotations

import pytest

from tests.support.asserts import assert_batch, assert_error
from tests.support.properties import PREFIXES, create, definition, enumeration, expected_property, without_stamps


@pytest.mark.parametrize("prefix", PREFIXES)
def test_batch_create_of_valid_inputs_is_a_201(api, unique, prefix):
    inputs = [
        definition(f"b1_{unique}", "ticketinformation"),
        enumeration(f"b2_{unique}", "ticketinformation", ["a", "b"], hasUniqueValue=False),
        definition(f"b3_{unique}", "ticketinformation", type="number", fieldType="number", hasUniqueValue=True),
    ]
    body = assert_batch(api.post(f"{prefix}/tickets/batch/create", json={"inputs": inputs}), 201, 3)
    assert [without_stamps(p) for p in body["results"]] == [expected_property(i) for i in inputs]
    assert body["requestedAt"] == body["startedAt"] and body["links"] == {}
    for item in inputs:
        assert api.get(f"{prefix}/tickets/{item['name']}").status_code == 200


def test_batch_create_reports_each_failing_input_by_name(api, unique):
    taken = f"taken_{unique}"
    create(api, "deals", definition(taken, "dealinformation"))
    inputs = [
        definition(f"ok_{unique}", "dealinformation"),
        definition(taken, "dealinformation"),
        definition(f"bad_{unique}", "dealinformation", type="colour"),
        definition(f"ok_{unique}", "dealinformation"),
        definition(f"nogroup_{unique}", "no_such_group"),
    ]
    body = assert_batch(api.post("/crm/v3/properties/deals/batch/create", json={"inputs": inputs}), 207, 1)
    assert body["results"][0]["name"] == f"ok_{unique}"
    assert [(e["category"], e["context"]["name"]) for e in body["errors"]] == [
        ("OBJECT_ALREADY_EXISTS", [taken]),
        ("VALIDATION_ERROR", [f"bad_{unique}"]),
        ("OBJECT_ALREADY_EXISTS", [f"ok_{unique}"]),
        ("VALIDATION_ERROR", [f"nogroup_{unique}"]),
    ]
    assert body["errors"][2] == {
        "status": "error",
        "category": "OBJECT_ALREADY_EXISTS",
        "message": f"A property named 'ok_{unique}' already exists.",
        "context": {"name": [f"ok_{unique}"]},
        "errors": [],
        "links": {},
    }
    assert_error(api.get(f"/crm/v3/properties/deals/bad_{unique}"), 404, "OBJECT_NOT_FOUND")


def test_batch_create_counts_unique_properties_across_inputs(api, unique):
    inputs = [definition(f"uq{i}_{unique}", "noteinformation", hasUniqueValue=True) for i in range(11)]
    body = assert_batch(api.post("/crm/v3/properties/notes/batch/create", json={"inputs": inputs}), 207, 10)
    assert body["errors"][0]["message"] == "An object type can have at most 10 unique value properties."
    assert body["errors"][0]["context"] == {"name": [f"uq10_{unique}"]}


def test_batch_create_bounds_and_shapes(api, unique):
    too_many = [definition(f"m{i}_{unique}", "dealinformation") for i in range(101)]
    assert_error(
        api.post("/crm/v3/properties/deals/batch/create", json={"inputs": too_many}),
        400,
        "VALIDATION_ERROR",
        "The maximum number of inputs supported in a batch request is 100.",
    )
    assert_error(api.get(f"/crm/v3/properties/deals/m0_{unique}"), 404, "OBJECT_NOT_FOUND")
    assert_error(api.post("/crm/v3/properties/deals/batch/create", json={"inputs": {}}), 400, "VALIDATION_ERROR")
    empty = assert_batch(api.post("/crm/v3/properties/deals/batch/create", json={"inputs": []}), 201, 0)
    assert empty["results"] == []


@pytest.mark.parametrize("prefix", PREFIXES)
def test_batch_read(api, unique, prefix):
    name = f"r_{unique}"
    created = create(api, "contacts", definition(name, "contactinformation"))
    ok = assert_batch(
        api.post(
            f"{prefix}/contacts/batch/read", json={"inputs": [{"name": name}, {"name": "email"}], "archived": False}
        ),
        200,
        2,
    )
    assert ok["results"][0] == created and ok["results"][1]["name"] == "email"
    partial = assert_batch(
        api.post(
            f"{prefix}/contacts/batch/read",
            json={
                "inputs": [{"name": "nope_1"}, {"name": name}, {"name": "nope_2"}],
                "dataSensitivity": "non_sensitive",
            },
        ),
        207,
        1,
    )
    assert partial["numErrors"] == 2
    assert [e["message"] for e in partial["errors"]] == [
        "Unable to find property nope_1 for object type 0-1",
        "Unable to find property nope_2 for object type 0-1",
    ]
    assert partial["errors"][0]["context"] == {"propertyName": ["nope_1"]}
    assert api.delete(f"{prefix}/contacts/{name}").status_code == 204
    archived = assert_batch(
        api.post(f"{prefix}/contacts/batch/read", json={"inputs": [{"name": name}], "archived": True}), 200, 1
    )
    assert archived["results"][0]["archived"] is True
    assert_batch(api.post(f"{prefix}/contacts/batch/read", json={"inputs": [{"name": name}]}), 207, 0)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_batch_archive_is_204_whatever_the_state(api, unique, prefix):
    live, already = f"a1_{unique}", f"a2_{unique}"
    for name in (live, already):
        create(api, "calls", definition(name, "callinformation"))
    assert api.delete(f"{prefix}/calls/{already}").status_code == 204
    inputs = [{"name": live}, {"name": already}, {"name": f"never_{unique}"}, {"name": live}]
    response = api.post(f"{prefix}/calls/batch/archive", json={"inputs": inputs})
    assert response.status_code == 204 and response.content == b""
    for name in (live, already):
        assert_error(api.get(f"{prefix}/calls/{name}"), 404, "OBJECT_NOT_FOUND")
        assert api.get(f"{prefix}/calls/{name}", params={"archived": "true"}).json()["archived"] is True


def test_batch_archive_refuses_hubspot_defined_properties_and_archives_nothing(api, unique):
    name = f"keep_{unique}"
    create(api, "calls", definition(name, "callinformation"))
    body = assert_error(
        api.post(
            "/crm/v3/properties/calls/batch/archive", json={"inputs": [{"name": name}, {"name": "hs_call_title"}]}
        ),
        400,
        "VALIDATION_ERROR",
        "HubSpot-defined properties cannot be archived: hs_call_title.",
    )
    assert body["context"] == {"propertyName": ["hs_call_title"]}
    assert api.get(f"/crm/v3/properties/calls/{name}").json()["archived"] is False
