"""Search filters: every operator and type rule, compared with the expected set over generated tasks."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support.search_data import BASE_MS, HOUR, PRIORITIES, create_task_set, iso, search, search_all


@pytest.fixture(scope="module")
def tasks(api):
    return create_task_set(api, uuid.uuid4().hex[:10])


def run(api, tasks, *filters: dict[str, Any], **extra: Any) -> list[int]:
    return search_all(api, {"filterGroups": [{"filters": [tasks.tag_filter(), *filters]}], **extra})


def f(name: str, operator: str, value: Any = None, **more: Any) -> dict[str, Any]:
    body = {"propertyName": name, "operator": operator, **more}
    if value is not None:
        body["value"] = value
    return body


def score(r: dict[str, Any], tasks) -> float | None:
    raw = r.get(tasks.props["score"])
    return None if raw is None else float(raw)


def test_tag_scopes_to_this_module(api, tasks):
    assert run(api, tasks) == tasks.expected(lambda r: True)
    assert len(tasks.records) == 240


def test_top_level_filters_are_one_more_group(api, tasks):
    """The older request's `filters` (Airbyte's incremental reads send it), ANDed like a group's and ORed
    with the filterGroups."""
    waiting = tasks.expected(lambda r: r["hs_task_status"] == "WAITING")
    assert (
        waiting and search_all(api, {"filters": [tasks.tag_filter(), f("hs_task_status", "EQ", "WAITING")]}) == waiting
    )
    high = {"filters": [tasks.tag_filter(), f("hs_task_priority", "EQ", "HIGH")]}
    both = search_all(
        api, {**high, "filterGroups": [{"filters": [tasks.tag_filter(), f("hs_task_status", "EQ", "WAITING")]}]}
    )
    assert both == tasks.expected(lambda r: r["hs_task_status"] == "WAITING" or r.get("hs_task_priority") == "HIGH")


def test_eq_on_enumeration_is_case_sensitive(api, tasks):
    assert run(api, tasks, f("hs_task_status", "EQ", "WAITING")) == tasks.expected(
        lambda r: r["hs_task_status"] == "WAITING"
    )
    assert run(api, tasks, f("hs_task_status", "EQ", "waiting")) == []


def test_eq_on_string_is_case_insensitive(api, tasks):
    expected = tasks.expected(lambda r: r["hs_task_subject"] == "Alpha item6 Mixed-Case")
    assert len(expected) == 1
    assert run(api, tasks, f("hs_task_subject", "EQ", "alpha ITEM6 mixed-case")) == expected


def test_neq_matches_records_without_the_value(api, tasks):
    got = run(api, tasks, f("hs_task_priority", "NEQ", "HIGH"))
    assert got == tasks.expected(lambda r: r.get("hs_task_priority") != "HIGH")
    assert any("hs_task_priority" not in r for r in tasks.records if r["id"] in got)


@pytest.mark.parametrize(
    ("operator", "compare"),
    [
        ("LT", lambda a, b: a < b),
        ("LTE", lambda a, b: a <= b),
        ("GT", lambda a, b: a > b),
        ("GTE", lambda a, b: a >= b),
        ("EQ", lambda a, b: a == b),
    ],
)
@pytest.mark.parametrize("value", ["3", "-1.5", "10", "9"])
def test_numbers_compare_numerically(api, tasks, operator, compare, value):
    got = run(api, tasks, f(tasks.props["score"], operator, value))
    want = tasks.expected(lambda r: score(r, tasks) is not None and compare(score(r, tasks), float(value)))
    assert got == want and (want or operator == "EQ")


def test_number_filter_value_may_be_a_json_number(api, tasks):
    assert run(api, tasks, f(tasks.props["score"], "GT", 10)) == tasks.expected(
        lambda r: score(r, tasks) is not None and score(r, tasks) > 10
    )


def test_between_is_inclusive_on_datetimes_given_as_epoch_ms_or_iso(api, tasks):
    low, high = BASE_MS + 10 * HOUR, BASE_MS + 20 * HOUR
    want = tasks.expected(lambda r: iso(low) <= r["hs_timestamp"] <= iso(high))
    assert len(want) == 11
    assert run(api, tasks, f("hs_timestamp", "BETWEEN", str(low), highValue=str(high))) == want
    assert run(api, tasks, f("hs_timestamp", "BETWEEN", iso(low), highValue=iso(high))) == want
    assert run(api, tasks, f("hs_timestamp", "BETWEEN", "2025-01-04T14:13:20+00:00", highValue=high)) == (
        tasks.expected(lambda r: r["hs_timestamp"] <= iso(high))
    )


def test_datetime_eq_and_ranges_as_instants(api, tasks):
    at = BASE_MS + 5 * HOUR
    assert run(api, tasks, f("hs_timestamp", "EQ", str(at))) == tasks.expected(lambda r: r["hs_timestamp"] == iso(at))
    assert run(api, tasks, f("hs_timestamp", "GT", iso(BASE_MS + 230 * HOUR))) == tasks.expected(
        lambda r: r["hs_timestamp"] > iso(BASE_MS + 230 * HOUR)
    )


def test_date_property_accepts_iso_and_epoch_ms(api, tasks):
    due = tasks.props["due"]
    want = tasks.expected(lambda r: r[due] >= "2025-02-20")
    assert run(api, tasks, f(due, "GTE", "2025-02-20")) == want
    assert run(api, tasks, f(due, "GTE", "1739999999999")) == tasks.expected(lambda r: r[due] >= "2025-02-19")
    assert run(api, tasks, f(due, "EQ", "2025-02-03")) == tasks.expected(lambda r: r[due] == "2025-02-03")


def test_bool_property(api, tasks):
    flag = tasks.props["flag"]
    assert run(api, tasks, f(flag, "EQ", "True")) == tasks.expected(lambda r: r[flag] == "true")
    assert run(api, tasks, f(flag, "EQ", True)) == tasks.expected(lambda r: r[flag] == "true")


def test_in_and_not_in(api, tasks):
    assert run(api, tasks, f("hs_task_priority", "IN", values=["LOW", "HIGH"])) == tasks.expected(
        lambda r: r.get("hs_task_priority") in ("LOW", "HIGH")
    )
    assert run(api, tasks, f("hs_task_priority", "IN", values=["low"])) == []
    assert run(api, tasks, f("hs_task_priority", "NOT_IN", values=["LOW", "HIGH"])) == tasks.expected(
        lambda r: r.get("hs_task_priority") not in ("LOW", "HIGH")
    )
    assert run(api, tasks, f("hubspot_owner_id", "IN", values=["100", "102"])) == tasks.expected(
        lambda r: r["hubspot_owner_id"] in ("100", "102")
    )
    assert run(api, tasks, f("hs_task_subject", "IN", values=["bravo item1 mixed-case"])) == tasks.expected(
        lambda r: r["hs_task_subject"] == "bravo item1 Mixed-Case"
    )
    assert run(api, tasks, f(tasks.props["score"], "IN", values=["0", "-7.5"])) == tasks.expected(
        lambda r: score(r, tasks) in (0, -7.5)
    )


def test_multi_select_matches_each_option(api, tasks):
    labels = tasks.props["labels"]

    def has(r: dict[str, Any], option: str) -> bool:
        return option in r.get(labels, "").split(";")

    assert run(api, tasks, f(labels, "EQ", "b")) == tasks.expected(lambda r: has(r, "b"))
    assert run(api, tasks, f(labels, "IN", values=["a", "b"])) == tasks.expected(lambda r: has(r, "a") or has(r, "b"))
    assert run(api, tasks, f(labels, "NOT_IN", values=["c"])) == tasks.expected(lambda r: not has(r, "c"))


def test_has_property_and_not_has_property(api, tasks):
    assert run(api, tasks, f("hs_task_priority", "HAS_PROPERTY")) == tasks.expected(lambda r: "hs_task_priority" in r)
    assert run(api, tasks, f("hs_task_priority", "NOT_HAS_PROPERTY")) == tasks.expected(
        lambda r: "hs_task_priority" not in r
    )
    assert run(api, tasks, f(tasks.props["score"], "NOT_HAS_PROPERTY")) == tasks.expected(
        lambda r: tasks.props["score"] not in r
    )


@pytest.mark.parametrize(
    ("pattern", "matches"),
    [
        ("charlie", lambda s: s.startswith("CHARLIE")),
        ("char*", lambda s: s.startswith("CHARLIE")),
        ("*lie", lambda s: s.startswith("CHARLIE")),
        ("echo", lambda s: s.startswith("delta-echo")),
        ("golf", lambda s: s.startswith("foxtrot_golf")),
        ("*@india.com*", lambda s: s.startswith("hotel@india.com")),
        ("item1", lambda s: " item1 " in s),
        ("item1*", lambda s: " item1" in s),
        ("mixed", lambda s: True),
        ("ixed", lambda s: False),
        ("*", lambda s: True),
    ],
)
def test_contains_token(api, tasks, pattern, matches):
    assert run(api, tasks, f("hs_task_subject", "CONTAINS_TOKEN", pattern)) == tasks.expected(
        lambda r: matches(r["hs_task_subject"])
    )
    assert run(api, tasks, f("hs_task_subject", "NOT_CONTAINS_TOKEN", pattern)) == tasks.expected(
        lambda r: not matches(r["hs_task_subject"])
    )


def test_not_contains_token_matches_records_without_the_property(api, tasks):
    assert run(api, tasks, f("hs_task_priority", "NOT_CONTAINS_TOKEN", "high")) == tasks.expected(
        lambda r: r.get("hs_task_priority") != "HIGH"
    )


def test_filters_and_within_a_group_groups_or(api, tasks):
    tag = tasks.tag_filter()
    body = {
        "filterGroups": [
            {"filters": [tag, f("hs_task_status", "EQ", "WAITING"), f("hubspot_owner_id", "EQ", "100")]},
            {"filters": [tag, f("hs_task_priority", "EQ", "HIGH")]},
        ]
    }
    assert search_all(api, body) == tasks.expected(
        lambda r: (
            (r["hs_task_status"] == "WAITING" and r["hubspot_owner_id"] == "100") or r.get("hs_task_priority") == "HIGH"
        )
    )


def test_system_properties_filter_on_record_columns(api, tasks):
    ids = [r["id"] for r in tasks.records]
    middle = ids[100]
    assert run(api, tasks, f("hs_object_id", "GT", str(middle))) == [i for i in ids if i > middle]
    assert run(api, tasks, f("hs_object_id", "IN", values=[str(ids[0]), str(ids[5])])) == [ids[0], ids[5]]
    assert run(api, tasks, f("hs_createdate", "GT", "0")) == ids
    assert run(api, tasks, f("hs_lastmodifieddate", "LT", "2000-01-01T00:00:00Z")) == []
    assert run(api, tasks, f("createdate", "GTE", "2020-01-01")) == ids


def test_unknown_property_matches_nothing(api, tasks):
    for operator in ("EQ", "NEQ", "NOT_HAS_PROPERTY", "HAS_PROPERTY"):
        assert run(api, tasks, f("no_such_property", operator, "x")) == []


def test_invalid_typed_value_is_a_validation_error(api, tasks):
    for name, value in ((tasks.props["score"], "abc"), ("hs_timestamp", "yesterday"), ("hs_object_id", "x1")):
        response = search(api, {"filterGroups": [{"filters": [f(name, "EQ", value)]}]})
        assert response.status_code == 400 and response.json()["category"] == "VALIDATION_ERROR", response.text


def test_filter_on_priority_values_only_where_present(api, tasks):
    for priority in PRIORITIES:
        assert run(api, tasks, f("hs_task_priority", "EQ", priority)) == tasks.expected(
            lambda r, p=priority: r.get("hs_task_priority") == p
        )
