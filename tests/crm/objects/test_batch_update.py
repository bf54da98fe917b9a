"""POST /crm/v3/objects/{type}/batch/update over real HTTP."""

from __future__ import annotations

from tests.support.asserts import ISO_MS, assert_batch, assert_error, assert_record
from tests.support.factories import create_calls, create_unique_property


def update(api, type_name, inputs):
    return api.post(f"/crm/v3/objects/{type_name}/batch/update", json={"inputs": inputs})


def test_update_calls_by_id(api):
    calls = create_calls(api, 2, hs_call_direction="INBOUND")
    response = update(
        api,
        "calls",
        [
            {"id": calls[0]["id"], "properties": {"hs_call_status": "COMPLETED", "hs_call_duration": "3800"}},
            {"id": calls[1]["id"], "properties": {"hs_call_title": "Discovery"}},
        ],
    )
    body = assert_batch(response, 200, 2)
    first, second = body["results"]
    assert_record(first)
    assert first["id"] == calls[0]["id"]
    assert first["properties"]["hs_call_status"] == "COMPLETED"
    assert first["properties"]["hs_call_duration"] == "3800"
    assert first["properties"]["hs_call_direction"] == "INBOUND"  # untouched values stay
    assert second["properties"]["hs_call_title"] == "Discovery"
    assert first["updatedAt"] >= calls[0]["updatedAt"]
    assert first["properties"]["hs_lastmodifieddate"] == first["updatedAt"]
    assert first["createdAt"] == calls[0]["createdAt"]


def test_update_by_custom_unique_id_property(api, unique):
    prop = f"call_key_{unique}"
    create_unique_property(api, "calls", prop, "callinformation")
    call = create_calls(api, 1, **{prop: f"key-{unique}"})[0]
    response = update(
        api, "calls", [{"id": f"key-{unique}", "idProperty": prop, "properties": {"hs_call_title": "By key"}}]
    )
    body = assert_batch(response, 200, 1)
    assert body["results"][0]["id"] == call["id"]
    assert body["results"][0]["properties"]["hs_call_title"] == "By key"


def test_unique_value_taken_by_another_record_is_rejected_and_nothing_written(api, unique):
    prop = f"call_ref_{unique}"
    create_unique_property(api, "calls", prop, "callinformation")
    holder, other = create_calls(api, 2)
    assert_batch(update(api, "calls", [{"id": holder["id"], "properties": {prop: "taken"}}]), 200, 1)
    response = update(
        api,
        "calls",
        [{"id": other["id"], "properties": {prop: "taken", "hs_call_title": "should not stick"}}],
    )
    assert_error(response, 409, "CONFLICT")
    unchanged = assert_batch(update(api, "calls", [{"id": other["id"], "properties": {}}]), 200, 1)
    assert unchanged["results"][0]["properties"]["hs_call_title"] == other["properties"]["hs_call_title"]


def test_non_unique_id_property_is_a_400(api):
    call = create_calls(api, 1)[0]
    response = update(api, "calls", [{"id": call["id"], "idProperty": "hs_call_title", "properties": {}}])
    assert_error(
        response,
        400,
        "VALIDATION_ERROR",
        "Unable to perform update/upsert by non-unique 0-48 property hs_call_title in portal ID 1",
    )


def test_repeated_ids_are_a_400_with_context_ids(api):
    call = create_calls(api, 1)[0]
    response = update(api, "calls", [{"id": call["id"], "properties": {}}, {"id": call["id"], "properties": {}}])
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert body["context"] == {"ids": [call["id"]]}


def test_missing_ids_are_a_207_and_found_records_are_updated(api):
    call = create_calls(api, 1)[0]
    response = update(
        api,
        "calls",
        [
            {"id": call["id"], "objectWriteTraceId": "t-found", "properties": {"hs_call_title": "found"}},
            {"id": "987654321", "objectWriteTraceId": "t-missing", "properties": {"hs_call_title": "lost"}},
            {"id": "not-a-number", "objectWriteTraceId": "t-garbage", "properties": {}},
        ],
    )
    body = assert_batch(response, 207, 1)
    assert body["results"][0]["properties"]["hs_call_title"] == "found"
    assert body["errors"] == [
        {
            "status": "error",
            "category": "OBJECT_NOT_FOUND",
            "message": "Could not get some CALL objects, they may be deleted or not exist. Check that ids are valid.",
            "context": {"ids": ["987654321", "not-a-number"], "objectWriteTraceId": ["t-missing", "t-garbage"]},
            "errors": [],
            "links": {},
        }
    ]


def test_another_portals_record_is_not_found(api, other_portal_api):
    foreign = create_calls(other_portal_api, 1)[0]
    body = assert_batch(update(api, "calls", [{"id": foreign["id"], "properties": {"hs_call_title": "x"}}]), 207, 0)
    assert body["errors"][0]["category"] == "OBJECT_NOT_FOUND"


def test_empty_string_clears_a_value(api):
    call = create_calls(api, 1, hs_call_body="notes")[0]
    body = assert_batch(update(api, "calls", [{"id": call["id"], "properties": {"hs_call_body": ""}}]), 200, 1)
    assert "hs_call_body" not in body["results"][0]["properties"]


def test_invalid_value_fails_the_whole_batch(api):
    first, second = create_calls(api, 2)
    response = update(
        api,
        "calls",
        [
            {"id": first["id"], "properties": {"hs_call_title": "changed"}},
            {"id": second["id"], "properties": {"hs_call_direction": "SIDEWAYS"}},
        ],
    )
    assert_error(response, 400, "VALIDATION_ERROR")
    after = assert_batch(update(api, "calls", [{"id": first["id"], "properties": {}}]), 200, 1)
    assert after["results"][0]["properties"]["hs_call_title"] == first["properties"]["hs_call_title"]


def test_more_than_100_inputs_is_a_400(api):
    inputs = [{"id": str(i), "properties": {}} for i in range(101)]
    assert_error(update(api, "calls", inputs), 400, "VALIDATION_ERROR")


def test_each_change_moves_updated_at(api):
    call = create_calls(api, 1)[0]
    first = assert_batch(update(api, "calls", [{"id": call["id"], "properties": {"hs_call_title": "a"}}]), 200, 1)
    second = assert_batch(update(api, "calls", [{"id": call["id"], "properties": {"hs_call_title": "b"}}]), 200, 1)
    stamps = [call["updatedAt"], first["results"][0]["updatedAt"], second["results"][0]["updatedAt"]]
    assert all(ISO_MS.match(s) for s in stamps)
    assert stamps == sorted(stamps)


def test_batch_update_history_per_record_and_property(api):
    """One batch mixing a property's first change (its creation value is written too), a later change,
    a first change from empty, and a clearing: each record's history comes out as if updated alone."""
    calls = create_calls(api, 2, hs_call_title="t0", hs_call_body="b0")
    first, second = (c["id"] for c in calls)
    earlier = assert_batch(update(api, "calls", [{"id": first, "properties": {"hs_call_title": "t1"}}]), 200, 1)
    later = assert_batch(
        update(
            api,
            "calls",
            [
                {"id": first, "properties": {"hs_call_title": "t2", "hs_call_body": ""}},
                {"id": second, "properties": {"hs_call_title": "t1", "hs_call_duration": "60"}},
            ],
        ),
        200,
        2,
    )
    names = "hs_call_title,hs_call_body,hs_call_duration"
    read = assert_batch(
        api.post(
            "/crm/v3/objects/calls/batch/read",
            json={"inputs": [{"id": first}, {"id": second}], "propertiesWithHistory": names.split(",")},
        ),
        200,
        2,
    )
    by_id = {r["id"]: r["propertiesWithHistory"] for r in read["results"]}

    def entries(*pairs):
        return [{"value": value, "timestamp": at, "sourceType": "API"} for value, at in pairs]

    created, t1_at, t2_at = calls[0]["createdAt"], earlier["results"][0]["updatedAt"], later["results"][0]["updatedAt"]
    assert by_id[first] == {
        "hs_call_title": entries(("t2", t2_at), ("t1", t1_at), ("t0", created)),
        "hs_call_body": entries(("", t2_at), ("b0", created)),
        "hs_call_duration": [],
    }
    assert by_id[second] == {
        "hs_call_title": entries(("t1", t2_at), ("t0", calls[1]["createdAt"])),
        "hs_call_body": entries(("b0", calls[1]["createdAt"])),
        "hs_call_duration": entries(("60", t2_at)),
    }
