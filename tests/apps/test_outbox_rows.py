"""The outbox row format (localspot/apps/outbox.py), which HTTP cannot see: compact rows expand into HubSpot's
payload in its key order, and rows written before that format (full events) are still sent as they were."""

from __future__ import annotations

import json

from localspot.apps.outbox import events, events_text, row_text

HEAD = {"subscriptionId": 5, "portalId": 1, "appId": 3, "occurredAt": 1764800000000, "subscriptionType": "x"}
TAIL = {"changeSource": "API"}


def test_a_compact_row_expands_in_hubspots_key_order():
    row = row_text(
        [(HEAD, {"changeFlag": "CREATED", **TAIL}, None), (HEAD, TAIL, "email")],
        [11, 12, 13],
        [7, 8, 9],
        [0, 1, 1],
        [None, 'a"b', ""],
        [None, None, {"fromObjectId": 9, "toObjectId": 4}],
    )
    text, ids = events_text(row, 2)
    assert ids == [11, 12, 13]
    expanded = json.loads(b"[" + text + b"]")
    named = ["eventId", *HEAD, "attemptNumber", "objectId", "propertyName", "propertyValue", "changeSource"]
    assert [list(event) for event in expanded] == [
        ["eventId", *HEAD, "attemptNumber", "objectId", "changeFlag", "changeSource"],
        named,
        [*named, "fromObjectId", "toObjectId"],
    ]
    assert [(e["eventId"], e["objectId"], e["attemptNumber"]) for e in expanded] == [(11, 7, 2), (12, 8, 2), (13, 9, 2)]
    assert [e.get("propertyValue") for e in expanded] == [None, 'a"b', ""]
    assert events(row)[2]["attemptNumber"] == 0


def test_a_row_written_before_the_compact_format_is_sent_as_it_was():
    full = [{"eventId": 21, **HEAD, "attemptNumber": 0, "objectId": 7, "propertyValue": '"attemptNumber":0,'}]
    legacy = json.dumps(full, separators=(",", ":"))
    text, ids = events_text(legacy, 3)
    assert ids == [21]
    [event] = json.loads(b"[" + text + b"]")
    assert (event["attemptNumber"], event["propertyValue"]) == (3, '"attemptNumber":0,')
    assert events(legacy) == full
