"""v4 association schema over real HTTP: custom labels and association limits (definitions/configurations)."""

from __future__ import annotations

import pytest

from tests.support.asserts import assert_batch, assert_error
from tests.support.factories import TASK_TIME, create_records

HUBSPOT, USER = "HUBSPOT_DEFINED", "USER_DEFINED"
PREFIXES = ["/crm/v4/associations", "/crm/associations/v4", "/crm/associations/2026-03"]


def spec(type_id: int, category: str = HUBSPOT) -> dict:
    return {"associationCategory": category, "associationTypeId": type_id}


def labels(api, from_type: str, to_type: str, prefix: str = "/crm/v4/associations") -> list[dict]:
    response = api.get(f"{prefix}/{from_type}/{to_type}/labels")
    assert response.status_code == 200, response.text
    return response.json()["results"]


def create_label(api, from_type: str, to_type: str, **body) -> list[dict]:
    response = api.post(f"/crm/v4/associations/{from_type}/{to_type}/labels", json=body)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def fresh_portal(token_for, base_url, portal_id: int):
    """Label limits are per portal and per pair: tests that count labels use a portal of their own."""
    import httpx

    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token_for('*', portal_id)}"}, timeout=30)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_paired_label_gets_one_type_per_direction(api, unique, prefix):
    created = api.post(
        f"{prefix}/deals/contacts/labels",
        json={"name": f"champion_{unique}", "label": "Champion", "inverseLabel": "Won"},
    )
    assert created.status_code == 200, created.text
    forward, backward = created.json()["results"]
    assert forward["category"] == backward["category"] == USER
    assert (forward["label"], backward["label"]) == ("Champion", "Won")
    assert forward["typeId"] != backward["typeId"]
    assert forward in labels(api, "deals", "contacts", prefix)
    assert backward in labels(api, "contacts", "deals", prefix)
    assert backward not in labels(api, "deals", "contacts", prefix)
    hubspot = [e for e in labels(api, "deals", "contacts", prefix) if e["category"] == HUBSPOT]
    assert hubspot == [{"category": HUBSPOT, "typeId": 3, "label": None}]


def test_unpaired_labels(api, unique):
    cross = create_label(api, "tickets", "companies", name=f"vendor_{unique}", label="Vendor")
    assert [e["label"] for e in cross] == ["Vendor", "Vendor"] and cross[0]["typeId"] != cross[1]["typeId"]
    same = create_label(api, "deals", "deals", name=f"related_{unique}", label="Related")
    assert len(same) == 1
    assert same[0] in labels(api, "deals", "deals")


def test_labels_are_usable_and_visible_from_the_other_side(api, unique):
    forward, backward = create_label(
        api, "contacts", "companies", name=f"manager_{unique}", label="Manager", inverseLabel="Managed"
    )
    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    put = api.put(
        f"/crm/v4/objects/contacts/{contact}/associations/companies/{company}", json=[spec(forward["typeId"], USER)]
    )
    assert put.status_code == 201 and put.json()["labels"] == ["Manager"]
    seen = api.get(f"/crm/v4/objects/companies/{company}/associations/contacts").json()["results"]
    assert seen == [
        {
            "toObjectId": int(contact),
            "associationTypes": [
                {"category": HUBSPOT, "typeId": 280, "label": None},
                {"category": USER, "typeId": backward["typeId"], "label": "Managed"},
            ],
        }
    ]


def test_inline_associations_on_create_accept_custom_labels(api, unique):
    forward, _ = create_label(api, "tasks", "contacts", name=f"owner_{unique}", label="Owner", inverseLabel="Owned")
    contact = create_records(api, "contacts", 1)[0]
    created = api.post(
        "/crm/v3/objects/tasks/batch/create",
        json={
            "inputs": [
                {
                    "properties": {"hs_timestamp": TASK_TIME},
                    "associations": [{"to": {"id": contact}, "types": [spec(forward["typeId"], USER)]}],
                }
            ]
        },
    )
    task = assert_batch(created, 201, 1)["results"][0]["id"]
    found = api.get(f"/crm/v4/objects/tasks/{task}/associations/contacts").json()["results"]
    assert found == [
        {
            "toObjectId": int(contact),
            "associationTypes": [
                {"category": HUBSPOT, "typeId": 204, "label": None},
                {"category": USER, "typeId": forward["typeId"], "label": "Owner"},
            ],
        }
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "has-hyphen", "label": "X"},
        {"name": "1starts_with_digit", "label": "X"},
        {"name": "", "label": "X"},
        {"name": "fine", "label": ""},
        {"label": "no name"},
    ],
)
def test_invalid_label_definitions_are_400s(api, body):
    assert_error(api.post("/crm/v4/associations/contacts/companies/labels", json=body), 400, "VALIDATION_ERROR")


def test_duplicate_name_is_a_409_and_at_most_ten_labels_per_pair(base_url, token_for):
    with fresh_portal(token_for, base_url, 31) as portal:
        for i in range(10):
            create_label(portal, "contacts", "tickets", name=f"label_{i}", label=f"Label {i}")
        assert_error(
            portal.post("/crm/v4/associations/tickets/contacts/labels", json={"name": "label_3", "label": "Again"}),
            409,
            "OBJECT_ALREADY_EXISTS",
        )
        assert_error(
            portal.post("/crm/v4/associations/tickets/contacts/labels", json={"name": "label_10", "label": "Eleven"}),
            400,
            "VALIDATION_ERROR",
        )
        # other pairs are unaffected
        create_label(portal, "contacts", "deals", name="label_10", label="Eleven")


def test_update_renames_labels(api, unique):
    forward, backward = create_label(
        api, "contacts", "deals", name=f"buyer_{unique}", label="Buyer", inverseLabel="Bought by"
    )
    response = api.put(
        "/crm/v4/associations/contacts/deals/labels",
        json={"associationTypeId": forward["typeId"], "label": "Economic buyer", "inverseLabel": "Sold to"},
    )
    assert response.status_code == 204, response.text
    assert {**forward, "label": "Economic buyer"} in labels(api, "contacts", "deals")
    assert {**backward, "label": "Sold to"} in labels(api, "deals", "contacts")
    assert_error(
        api.put("/crm/v4/associations/contacts/deals/labels", json={"associationTypeId": 4, "label": "Mine now"}),
        400,
        "VALIDATION_ERROR",
    )
    assert_error(
        api.put("/crm/v4/associations/contacts/deals/labels", json={"associationTypeId": 987654, "label": "?"}),
        404,
        "OBJECT_NOT_FOUND",
    )


def test_delete_refuses_labels_in_use_and_hubspots_types(api, unique):
    forward, backward = create_label(
        api, "contacts", "companies", name=f"advisor_{unique}", label="Advisor", inverseLabel="Advised"
    )
    contact = create_records(api, "contacts", 1)[0]
    company = create_records(api, "companies", 1)[0]
    path = f"/crm/v4/objects/contacts/{contact}/associations/companies/{company}"
    api.put(path, json=[spec(forward["typeId"], USER)])
    in_use = api.delete(f"/crm/v4/associations/contacts/companies/labels/{forward['typeId']}")
    assert_error(in_use, 400, "VALIDATION_ERROR")
    # in use from the other side too
    assert_error(
        api.delete(f"/crm/v4/associations/companies/contacts/labels/{backward['typeId']}"), 400, "VALIDATION_ERROR"
    )
    assert api.delete(path).status_code == 204
    deleted = api.delete(f"/crm/v4/associations/contacts/companies/labels/{forward['typeId']}")
    assert deleted.status_code == 204, deleted.text
    remaining = {e["typeId"] for e in labels(api, "contacts", "companies")}
    assert forward["typeId"] not in remaining
    assert backward["typeId"] not in {e["typeId"] for e in labels(api, "companies", "contacts")}
    assert_error(
        api.delete(f"/crm/v4/associations/contacts/companies/labels/{forward['typeId']}"), 404, "OBJECT_NOT_FOUND"
    )
    assert_error(api.delete("/crm/v4/associations/contacts/companies/labels/279"), 400, "VALIDATION_ERROR")
    assert_error(api.delete("/crm/v4/associations/contacts/companies/labels/1"), 400, "VALIDATION_ERROR")
    assert_error(api.delete("/crm/v4/associations/contacts/companies/labels/abc"), 400, "VALIDATION_ERROR")
    # a deleted label is no longer accepted
    assert_error(api.put(path, json=[spec(forward["typeId"], USER)]), 400, "VALIDATION_ERROR")


def test_labels_of_one_portal_are_invisible_to_another(api, other_portal_api, unique):
    forward, _ = create_label(api, "contacts", "companies", name=f"secret_{unique}", label="Secret")
    assert forward not in labels(other_portal_api, "contacts", "companies")
    assert_error(
        other_portal_api.delete(f"/crm/v4/associations/contacts/companies/labels/{forward['typeId']}"),
        404,
        "OBJECT_NOT_FOUND",
    )


# --- limits ----------------------------------------------------------------------------------------------


def test_limits_lifecycle_and_enforcement(base_url, token_for):
    with fresh_portal(token_for, base_url, 32) as portal:
        base = "/crm/v4/associations/definitions/configurations/contacts/companies"
        created = portal.post(
            f"{base}/batch/create", json={"inputs": [{"category": HUBSPOT, "typeId": 1, "maxToObjectIds": 1}]}
        )
        body = assert_batch(created, 201, 1)
        assert body["results"] == [
            {"category": HUBSPOT, "typeId": 1, "label": "Primary", "userEnforcedMaxToObjectIds": 1}
        ]
        pair = portal.get(base).json()["results"]
        assert {"category": HUBSPOT, "typeId": 1, "label": "Primary", "userEnforcedMaxToObjectIds": 1} in pair
        assert {"category": HUBSPOT, "typeId": 279, "label": None} in pair
        everything = portal.get("/crm/v4/associations/definitions/configurations/all").json()["results"]
        assert everything == [{"category": HUBSPOT, "typeId": 1, "label": "Primary", "userEnforcedMaxToObjectIds": 1}]

        contact = create_records(portal, "contacts", 1)[0]
        companies = create_records(portal, "companies", 3)
        first = portal.put(f"/crm/v4/objects/contacts/{contact}/associations/companies/{companies[0]}", json=[spec(1)])
        assert first.status_code == 201
        over = portal.put(f"/crm/v4/objects/contacts/{contact}/associations/companies/{companies[1]}", json=[spec(1)])
        assert_error(over, 400, "VALIDATION_ERROR")
        # unlabeled associations are not limited
        unlabeled = portal.put(f"/crm/v4/objects/contacts/{contact}/associations/default/companies/{companies[1]}")
        assert unlabeled.status_code == 200
        batch = portal.post(
            "/crm/v4/associations/contacts/companies/batch/create",
            json={"inputs": [{"from": {"id": contact}, "to": {"id": c}, "types": [spec(1)]} for c in companies[1:]]},
        )
        assert_batch(batch, 207, 0)
        assert len(batch.json()["errors"]) == 2

        updated = portal.post(
            f"{base}/batch/update", json={"inputs": [{"category": HUBSPOT, "typeId": 1, "maxToObjectIds": 2}]}
        )
        assert assert_batch(updated, 200, 1)["results"] == [
            {"category": HUBSPOT, "typeId": 1, "userEnforcedMaxToObjectIds": 2}
        ]
        again = portal.post(
            "/crm/v4/associations/contacts/companies/batch/create",
            json={"inputs": [{"from": {"id": contact}, "to": {"id": c}, "types": [spec(1)]} for c in companies[1:]]},
        )
        body = assert_batch(again, 207, 1)
        assert body["results"][0]["toObjectId"] == int(companies[1])
        assert body["errors"][0]["category"] == "VALIDATION_ERROR"

        purge = portal.post(f"{base}/batch/purge", json={"inputs": [{"category": HUBSPOT, "typeId": 1}]})
        assert purge.status_code == 204
        assert portal.get("/crm/v4/associations/definitions/configurations/all").json()["results"] == []
        last = portal.put(f"/crm/v4/objects/contacts/{contact}/associations/companies/{companies[2]}", json=[spec(1)])
        assert last.status_code == 201


def test_limits_apply_to_the_inverse_direction_too(base_url, token_for):
    with fresh_portal(token_for, base_url, 33) as portal:
        portal.post(
            "/crm/v4/associations/definitions/configurations/companies/contacts/batch/create",
            json={"inputs": [{"category": HUBSPOT, "typeId": 280, "maxToObjectIds": 1}]},
        )
        company = create_records(portal, "companies", 1)[0]
        contacts = create_records(portal, "contacts", 2)
        ok = portal.put(f"/crm/v4/objects/contacts/{contacts[0]}/associations/default/companies/{company}")
        assert ok.status_code == 200
        # a second contact to the same company would give the company two contacts under 280
        assert_error(
            portal.put(f"/crm/v4/objects/contacts/{contacts[1]}/associations/default/companies/{company}"),
            400,
            "VALIDATION_ERROR",
        )


def test_limit_batch_errors(api):
    base = "/crm/v4/associations/definitions/configurations/deals/tickets"
    body = assert_batch(
        api.post(
            f"{base}/batch/create",
            json={
                "inputs": [
                    {"category": HUBSPOT, "typeId": 999, "maxToObjectIds": 1},
                    {"category": HUBSPOT, "typeId": 27, "maxToObjectIds": 0},
                    {"category": HUBSPOT, "typeId": 27, "maxToObjectIds": 2**40},
                ]
            },
        ),
        207,
        0,
    )
    assert [e["category"] for e in body["errors"]] == ["VALIDATION_ERROR"] * 3
    missing = api.post(
        f"{base}/batch/update", json={"inputs": [{"category": HUBSPOT, "typeId": 27, "maxToObjectIds": 3}]}
    )
    assert assert_batch(missing, 207, 0)["errors"][0]["category"] == "OBJECT_NOT_FOUND"
    assert_error(api.post(f"{base}/batch/create", json={"inputs": [{"typeId": 27}]}), 400, "VALIDATION_ERROR")


def test_limits_apply_to_inline_associations_on_create(base_url, token_for):
    with fresh_portal(token_for, base_url, 34) as portal:
        created = portal.post(
            "/crm/v4/associations/definitions/configurations/contacts/tasks/batch/create",
            json={"inputs": [{"category": HUBSPOT, "typeId": 203, "maxToObjectIds": 1}]},
        )
        assert created.status_code == 201, created.text
        contacts = create_records(portal, "contacts", 2)

        def task(contact: str, trace: str | None = None) -> dict:
            body = {
                "properties": {"hs_timestamp": TASK_TIME},
                "associations": [{"to": {"id": contact}, "types": [spec(204)]}],
            }
            return {**body, "objectWriteTraceId": trace} if trace else body

        assert_batch(portal.post("/crm/v3/objects/tasks/batch/create", json={"inputs": [task(contacts[0])]}), 201, 1)
        # the contact already has its one task
        assert_error(
            portal.post("/crm/v3/objects/tasks/batch/create", json={"inputs": [task(contacts[0])]}),
            400,
            "VALIDATION_ERROR",
        )
        # two tasks for one contact in one batch: the second is over the limit
        body = assert_batch(
            portal.post(
                "/crm/v3/objects/tasks/batch/create",
                json={"inputs": [task(contacts[1], "a"), task(contacts[1], "b"), task(contacts[0], "c")]},
            ),
            207,
            1,
        )
        assert [r["objectWriteTraceId"] for r in body["results"]] == ["a"]
        assert sorted(e["context"]["objectWriteTraceId"][0] for e in body["errors"]) == ["b", "c"]
        listed = portal.get(f"/crm/v4/objects/contacts/{contacts[1]}/associations/tasks").json()["results"]
        assert len(listed) == 1


def test_label_reads_need_the_from_types_read_scope_and_writes_its_write_scope(base_url, token_for, unique):
    import httpx

    reader = httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {token_for('crm.objects.deals.read')}"}, timeout=30
    )
    with reader:
        assert reader.get("/crm/v4/associations/deals/contacts/labels").status_code == 200
        assert_error(reader.get("/crm/v4/associations/contacts/deals/labels"), 403, "MISSING_SCOPES")
        denied = reader.post("/crm/v4/associations/deals/contacts/labels", json={"name": f"x_{unique}", "label": "X"})
        assert_error(denied, 403, "MISSING_SCOPES")
        limits = reader.post(
            "/crm/v4/associations/definitions/configurations/deals/contacts/batch/create",
            json={"inputs": [{"category": HUBSPOT, "typeId": 3, "maxToObjectIds": 5}]},
        )
        assert_error(limits, 403, "MISSING_SCOPES")


def test_concurrent_label_creation_gives_distinct_type_ids(base_url, token_for):
    from concurrent.futures import ThreadPoolExecutor

    with fresh_portal(token_for, base_url, 35) as portal:

        def create(i: int):
            return portal.post(
                "/crm/v4/associations/contacts/deals/labels",
                json={"name": f"parallel_{i}", "label": f"Parallel {i}", "inverseLabel": f"Inverse {i}"},
            )

        with ThreadPoolExecutor(max_workers=8) as pool:
            responses = list(pool.map(create, range(8)))
        assert [r.status_code for r in responses] == [200] * 8, [r.text for r in responses]
        ids = [e["typeId"] for r in responses for e in r.json()["results"]]
        assert len(set(ids)) == 16
        listed = {e["typeId"] for e in labels(portal, "contacts", "deals") if e["category"] == USER}
        assert len(listed) == 8
