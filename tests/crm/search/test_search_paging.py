"""Search sorts, paging, `query`, `properties`, limits, associations, isolation and hostile input."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support.asserts import assert_error
from tests.support.factories import TASK_TIME, batch_create, create_contacts
from tests.support.search_data import create_task_set, search, search_all


@pytest.fixture(scope="module")
def tasks(api):
    return create_task_set(api, uuid.uuid4().hex[:10], count=210)


def scoped(tasks, *filters: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"filterGroups": [{"filters": [tasks.tag_filter(), *filters]}], **extra}


def test_default_order_is_creation_order(api, tasks):
    assert search_all(api, scoped(tasks)) == [r["id"] for r in tasks.records]


@pytest.mark.parametrize(
    "sorts",
    [
        [{"propertyName": "hs_timestamp", "direction": "DESCENDING"}],
        ["-hs_timestamp"],
    ],
)
def test_sort_descending_in_both_forms(api, tasks, sorts):
    want = [r["id"] for r in sorted(tasks.records, key=lambda r: r["hs_timestamp"], reverse=True)]
    assert search_all(api, scoped(tasks, sorts=sorts)) == want


def test_sort_ascending_string_form_and_ties_broken_by_id(api, tasks):
    want = [r["id"] for r in sorted(tasks.records, key=lambda r: (r["hs_task_status"], r["id"]))]
    assert search_all(api, scoped(tasks, sorts=["hs_task_status"])) == want
    rule = [{"propertyName": "hs_task_status", "direction": "ASCENDING"}]
    assert search_all(api, scoped(tasks, sorts=rule)) == want


def test_sort_numbers_numerically_missing_values_first(api, tasks):
    name = tasks.props["score"]

    def key(r: dict[str, Any]) -> tuple[float, int]:
        return (float(r[name]) if name in r else float("-inf"), r["id"])

    assert search_all(api, scoped(tasks, sorts=[name])) == [r["id"] for r in sorted(tasks.records, key=key)]
    descending = [r["id"] for r in sorted(tasks.records, key=key, reverse=True)]
    assert search_all(api, scoped(tasks, sorts=["-" + name])) == descending


def test_sort_on_system_and_unknown_properties(api, tasks):
    ids = [r["id"] for r in tasks.records]
    assert search_all(api, scoped(tasks, sorts=["-hs_object_id"])) == ids[::-1]
    assert search_all(api, scoped(tasks, sorts=["-createdate"]))[-1] == ids[0]
    assert search_all(api, scoped(tasks, sorts=["no_such_property"])) == ids


def test_paging_walks_every_result_once_and_ends_without_paging(api, tasks):
    ids = [r["id"] for r in tasks.records]
    seen: list[int] = []
    after = None
    pages = 0
    while True:
        body = scoped(tasks, limit=50, **({"after": after} if after is not None else {}))
        page = search(api, body).json()
        assert page["total"] == 210
        seen.extend(int(r["id"]) for r in page["results"])
        pages += 1
        if "paging" not in page:
            break
        after = page["paging"]["next"]["after"]
        assert after == str(50 * pages)
    assert seen == ids and pages == 5


def test_default_limit_is_ten_and_after_past_the_end_is_empty(api, tasks):
    first = search(api, scoped(tasks)).json()
    assert len(first["results"]) == 10 and first["paging"] == {"next": {"after": "10"}}
    past = search(api, scoped(tasks, after="500")).json()
    assert past == {"total": 210, "results": []}
    numeric_after = search(api, scoped(tasks, after=200, limit=10)).json()
    assert len(numeric_after["results"]) == 10 and "paging" not in numeric_after


def test_query_matches_word_prefixes_of_searchable_properties(api, tasks):
    def subject_words(r: dict[str, Any]) -> list[str]:
        import re

        return [w for w in re.split(r"[\W_]+", r["hs_task_subject"].lower()) if w]

    def want(*prefixes: str) -> list[int]:
        return tasks.expected(lambda r: all(any(w.startswith(p) for w in subject_words(r)) for p in prefixes))

    assert search_all(api, scoped(tasks, query="alpha")) == want("alpha")
    assert search_all(api, scoped(tasks, query="CHAR")) == want("char")
    assert search_all(api, scoped(tasks, query="item2 mixed")) == want("item2", "mixed")
    assert search_all(api, scoped(tasks, query="golf")) == want("golf")
    assert search_all(api, scoped(tasks, query="india.com")) == want("india", "com")
    assert search_all(api, scoped(tasks, query="lpha")) == []
    # hs_task_status is not searchable
    assert search_all(api, scoped(tasks, query="waiting")) == []


def test_query_alone_counts_exactly(api, tasks, unique):
    word = f"zq{unique}"
    created = batch_create(
        api,
        "tasks",
        [{"properties": {"hs_timestamp": TASK_TIME, "hs_task_body": f"{word} body {i}"}} for i in range(13)],
    )
    page = search(api, {"query": word, "limit": 5}).json()
    assert page["total"] == 13 and [r["id"] for r in page["results"]] == [c["id"] for c in created[:5]]


def test_query_with_filter_and_groups(api, tasks):
    tag = tasks.tag_filter()
    body = {
        "query": "bravo",
        "filterGroups": [
            {"filters": [tag, {"propertyName": "hubspot_owner_id", "operator": "EQ", "value": "100"}]},
            {"filters": [tag, {"propertyName": "hs_task_status", "operator": "EQ", "value": "DEFERRED"}]},
        ],
    }
    assert search_all(api, body) == tasks.expected(
        lambda r: (
            r["hs_task_subject"].startswith("bravo")
            and (r["hubspot_owner_id"] == "100" or r["hs_task_status"] == "DEFERRED")
        )
    )


def test_results_carry_requested_or_default_properties(api, tasks):
    record = tasks.records[3]
    body = scoped(tasks, {"propertyName": "hs_object_id", "operator": "EQ", "value": str(record["id"])})
    default = search(api, body).json()["results"][0]
    assert set(default["properties"]) == {"hs_createdate", "hs_lastmodifieddate", "hs_object_id"}
    assert default["archived"] is False and default["id"] == str(record["id"])
    chosen = search(api, {**body, "properties": ["hs_task_subject", "hs_task_priority", "nope"]}).json()
    assert chosen["results"][0]["properties"] == {
        "hs_createdate": default["properties"]["hs_createdate"],
        "hs_lastmodifieddate": default["properties"]["hs_lastmodifieddate"],
        "hs_object_id": str(record["id"]),
        "hs_task_subject": record["hs_task_subject"],
        "hs_task_priority": record.get("hs_task_priority"),
    }


def test_date_versioned_path_and_type_aliases(api, tasks):
    body = scoped(tasks, limit=3)
    want = search(api, body).json()
    for path in ("/crm/objects/2026-03/tasks/search", "/crm/v3/objects/0-27/search", "/crm/v3/objects/task/search"):
        response = api.post(path, json=body)
        assert response.status_code == 200, response.text
        assert [r["id"] for r in response.json()["results"]] == [r["id"] for r in want["results"]]


def test_writes_are_visible_to_the_next_search(api, unique):
    tag_filter = {"propertyName": "hs_task_subject", "operator": "EQ", "value": f"fresh {unique}"}
    created = batch_create(api, "tasks", [{"properties": {"hs_timestamp": TASK_TIME, "hs_task_subject": "x"}}])[0]
    assert search(api, {"filterGroups": [{"filters": [tag_filter]}]}).json()["total"] == 0
    updated = api.post(
        "/crm/v3/objects/tasks/batch/update",
        json={"inputs": [{"id": created["id"], "properties": {"hs_task_subject": f"fresh {unique}"}}]},
    )
    assert updated.status_code == 200, updated.text
    found = search(api, {"filterGroups": [{"filters": [tag_filter]}], "query": unique}).json()
    assert [r["id"] for r in found["results"]] == [created["id"]]
    assert search(api, {"query": "x", "filterGroups": [{"filters": [tag_filter]}]}).json()["total"] == 0


def test_other_portals_never_see_these_records(other_portal_api, tasks):
    assert search_all(other_portal_api, scoped(tasks)) == []
    assert search_all(other_portal_api, {"query": "alpha item0"}) == []


def test_association_pseudo_property(api, unique):
    contacts = create_contacts(api, 2, unique)

    def task_for(contact_ids: list[str]) -> dict[str, Any]:
        return {
            "properties": {"hs_timestamp": TASK_TIME, "hs_task_subject": f"assoc {unique}"},
            "associations": [
                {"to": {"id": cid}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}]}
                for cid in contact_ids
            ],
        }

    first, second = contacts[0]["id"], contacts[1]["id"]
    made = batch_create(api, "tasks", [task_for([first]), task_for([second]), task_for([first, second]), task_for([])])
    ids = [int(t["id"]) for t in made]
    subject = {"propertyName": "hs_task_subject", "operator": "EQ", "value": f"assoc {unique}"}

    def run(name: str, operator: str, **value: Any) -> list[int]:
        body = {"filterGroups": [{"filters": [subject, {"propertyName": name, "operator": operator, **value}]}]}
        return search_all(api, body)

    assert run("associations.contact", "EQ", value=first) == [ids[0], ids[2]]
    assert run("associations.contacts", "EQ", value=second) == [ids[1], ids[2]]
    assert run("associations.contact", "IN", values=[first, second]) == ids[:3]
    assert run("associations.contact", "NEQ", value=first) == [ids[1], ids[3]]
    assert run("associations.contact", "NOT_IN", values=[first, second]) == [ids[3]]
    assert run("associations.contact", "HAS_PROPERTY") == ids[:3]
    assert run("associations.contact", "NOT_HAS_PROPERTY") == [ids[3]]
    assert run("associations.company", "HAS_PROPERTY") == []
    assert run("associations.nosuchtype", "EQ", value=first) == []
    assert run("associations.contact", "EQ", value="not-a-number") == []
    # the inverse direction: contacts associated with a task
    body = {"filterGroups": [{"filters": [{"propertyName": "associations.task", "operator": "EQ", "value": ids[2]}]}]}
    assert search_all(api, body, "contacts") == sorted(int(c) for c in (first, second))


# --- limits ---------------------------------------------------------------------------------------------


def filters(count: int) -> list[dict[str, Any]]:
    return [{"propertyName": "hs_task_subject", "operator": "HAS_PROPERTY"} for _ in range(count)]


@pytest.mark.parametrize(
    ("body", "ok"),
    [
        ({"filterGroups": [{"filters": filters(1)}] * 5}, True),
        ({"filterGroups": [{"filters": filters(1)}] * 6}, False),
        ({"filterGroups": [{"filters": filters(6)}]}, True),
        ({"filterGroups": [{"filters": filters(7)}]}, False),
        ({"filterGroups": [{"filters": filters(6)}] * 3}, True),
        ({"filterGroups": [{"filters": filters(5)}] * 3 + [{"filters": filters(4)}]}, False),
        ({"query": "a" * 3000}, True),
        ({"query": "a" * 3001}, False),
        ({"limit": 200}, True),
        ({"limit": 201}, False),
        ({"limit": 0}, False),
        ({"limit": -1}, False),
        ({"after": "9800", "limit": 200}, True),
        ({"after": "9801", "limit": 200}, False),
        ({"after": "10000"}, False),
        ({"after": "abc"}, False),
        ({"after": "-5"}, False),
        ({"filterGroups": [{"filters": [{"propertyName": "x", "operator": "LIKE", "value": "1"}]}]}, False),
        ({"filterGroups": [{"filters": [{"propertyName": "x", "operator": "EQ"}]}]}, False),
        ({"filterGroups": [{"filters": [{"propertyName": "x", "operator": "CONTAINS_TOKEN"}]}]}, False),
        ({"filterGroups": [{"filters": [{"propertyName": "x", "operator": "IN"}]}]}, False),
        ({"filterGroups": [{"filters": [{"propertyName": "x", "operator": "IN", "values": []}]}]}, True),
        ({"filterGroups": [{"filters": [{"propertyName": "x", "operator": "BETWEEN", "value": "1"}]}]}, False),
        ({"filterGroups": [{"filters": [{"propertyName": "x", "operator": "BETWEEN", "highValue": "1"}]}]}, False),
        ({"filterGroups": [{"filters": [{"operator": "EQ", "value": "1"}]}]}, False),
        ({"sorts": [{"propertyName": "hs_timestamp", "direction": "SIDEWAYS"}]}, False),
        ({"sorts": [{"direction": "ASCENDING"}]}, False),
        ({"filterGroups": "nope"}, False),
        ({}, True),
    ],
)
def test_limits_and_malformed_requests(api, body, ok):
    response = search(api, body)
    if ok:
        assert response.status_code == 200, response.text
    else:
        assert_error(response, 400, "VALIDATION_ERROR")


def test_empty_and_invalid_json_bodies(api):
    assert_error(api.post("/crm/v3/objects/tasks/search", content=b""), 400, "VALIDATION_ERROR")
    assert_error(api.post("/crm/v3/objects/tasks/search", content=b"{nope"), 400, "VALIDATION_ERROR")


def test_unknown_type_and_missing_scope(api, token_for, base_url):
    import httpx

    assert_error(search(api, {}, "nothings"), 400, "VALIDATION_ERROR")
    token = token_for("crm.objects.companies.read")
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}) as limited:
        assert_error(search(limited, {}, "tasks"), 403, "MISSING_SCOPES")
        assert search(limited, {}, "companies").status_code == 200
    assert_error(httpx.post(base_url + "/crm/v3/objects/tasks/search", json={}), 401, "INVALID_AUTHENTICATION")


# --- hostile input --------------------------------------------------------------------------------------

HOSTILE = [
    "'; DROP TABLE records; --",
    'x" OR 1=1 --',
    '$."hs_task_subject"',
    "$.hs_task_subject",
    "hs_task_subject') OR ('1'='1",
    "%",
    "_",
    "?",
    "%s",
    "\\",
    "!",
    "*",
    '"',
    "NEAR(a b)",
    "a OR b",
    "{scope}: p1t0x27",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_property_names_match_nothing(api, tasks, text):
    for operator in ("EQ", "NEQ", "HAS_PROPERTY", "CONTAINS_TOKEN"):
        body = scoped(tasks, {"propertyName": text, "operator": operator, "value": "1"}, sorts=[text])
        assert search_all(api, body) == []


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_values_are_plain_values(api, tasks, unique, text):
    value = f"{text} {unique}"
    made = batch_create(api, "tasks", [{"properties": {"hs_timestamp": TASK_TIME, "hs_task_subject": value}}])[0]
    subject = {"propertyName": "hs_task_subject", "operator": "EQ", "value": value}
    assert search_all(api, {"filterGroups": [{"filters": [subject]}]}) == [int(made["id"])]
    for operator in ("EQ", "CONTAINS_TOKEN", "GT", "LT"):
        body = scoped(tasks, {"propertyName": "hs_task_subject", "operator": operator, "value": text})
        assert search(api, body).status_code == 200
    assert (
        search(api, scoped(tasks, {"propertyName": "hs_task_subject", "operator": "IN", "values": [text]})).json()[
            "total"
        ]
        == 0
    )
    like = {"propertyName": "hs_task_subject", "operator": "CONTAINS_TOKEN", "value": f"*{text}*"}
    found = search_all(api, {"filterGroups": [{"filters": [like, subject]}]})
    assert found == [int(made["id"])]
    query = search(api, {"query": text, "limit": 1})
    assert query.status_code == 200, query.text
    assert search_all(api, {"query": f"{text} {unique}"}) == [int(made["id"])]
    assert search(api, scoped(tasks, limit=1)).json()["total"] == len(tasks.records)


def test_percent_and_underscore_are_not_wildcards(api, tasks, unique):
    made = batch_create(
        api,
        "tasks",
        [
            {"properties": {"hs_timestamp": TASK_TIME, "hs_task_subject": f"{unique} 100%"}},
            {"properties": {"hs_timestamp": TASK_TIME, "hs_task_subject": f"{unique} 1000"}},
            {"properties": {"hs_timestamp": TASK_TIME, "hs_task_subject": f"{unique} a_b"}},
            {"properties": {"hs_timestamp": TASK_TIME, "hs_task_subject": f"{unique} axb"}},
        ],
    )

    def run(pattern: str) -> list[int]:
        body = {
            "filterGroups": [
                {
                    "filters": [
                        {"propertyName": "hs_task_subject", "operator": "CONTAINS_TOKEN", "value": pattern},
                        {"propertyName": "hs_task_subject", "operator": "CONTAINS_TOKEN", "value": unique},
                    ]
                }
            ]
        }
        return search_all(api, body)

    ids = [int(m["id"]) for m in made]
    assert run("*100%") == [ids[0]]
    assert run("*a_b") == [ids[2]]
    assert run("100*") == [ids[0], ids[1]]


def test_query_word_starting_many_indexed_words(api, unique):
    """Beyond MAX_EXPANDED_TERMS distinct words, a query word is matched as an FTS5 prefix query."""
    inputs = [{"properties": {"hs_timestamp": TASK_TIME, "hs_task_subject": f"zz{unique}w{i}"}} for i in range(70)]
    created = [int(r["id"]) for r in batch_create(api, "tasks", inputs)]
    assert search_all(api, {"query": f"zz{unique}"}) == created
    assert search_all(api, {"query": f"zz{unique}w6"}) == [created[6], *created[60:70]]
    assert search_all(api, {"query": f"zz{unique}w69"}) == [created[69]]
