"""A DYNAMIC list's scheduled conversion to a static list (by date or after inactivity, on the shared clock), and
its size and edits history."""

from __future__ import annotations

import pytest

from tests.crm.lists.test_lists import BASE, city_is, contacts
from tests.support.asserts import assert_error

NOW = "2031-03-01T12:00:00.000Z"


@pytest.fixture
def frozen(admin):
    assert admin.put("/clock", json={"now": NOW, "frozen": True}).status_code == 200
    yield admin
    admin.delete("/clock")


def _dynamic(client, city: str = "Porto") -> str:
    made = client.post(
        BASE + "/",
        json={"name": f"in {city}", "objectTypeId": "0-1", "processingType": "DYNAMIC", "filterBranch": city_is(city)},
    )
    assert made.status_code == 200, made.text
    return made.json()["list"]["listId"]


def _members(client, list_id: str) -> list[str]:
    return [m["recordId"] for m in client.get(f"{BASE}/{list_id}/memberships").json()["results"]]


def test_a_list_converted_on_its_date_keeps_the_members_it_had_then(new_portal, frozen):
    _, client = new_portal()
    first, _ = contacts(client, ("p1@example.com", "Porto"), ("l1@example.com", "Lisbon"))
    list_id = _dynamic(client)
    scheduled = client.put(
        f"{BASE}/{list_id}/schedule-conversion",
        json={"conversionType": "CONVERSION_DATE", "year": 2031, "month": 3, "day": 2},
    )
    assert scheduled.status_code == 200, scheduled.text
    requested = {"conversionType": "CONVERSION_DATE", "year": 2031, "month": 3, "day": 2}
    assert scheduled.json() == {"listId": list_id, "requestedConversionTime": requested}
    assert client.get(f"{BASE}/{list_id}/schedule-conversion").json() == scheduled.json()

    frozen.put("/clock", json={"advanceMs": 12 * 3600 * 1000})  # midnight: due
    converted = client.get(f"{BASE}/{list_id}").json()["list"]
    assert (converted["processingType"], converted["listVersion"]) == ("MANUAL", 2)
    answer = client.get(f"{BASE}/{list_id}/schedule-conversion").json()
    assert answer["convertedAt"] == "2031-03-02T00:00:00.000Z" and answer["requestedConversionTime"] == requested
    # Static now: a new contact in Porto does not join, and members can be added by hand.
    (later,) = contacts(client, ("p2@example.com", "Porto"))
    assert _members(client, list_id) == [first]
    assert client.put(f"{BASE}/{list_id}/memberships/add", json=[later]).status_code == 200
    assert sorted(_members(client, list_id)) == sorted([first, later])


def test_an_inactivity_conversion_comes_due_after_its_span(new_portal, frozen):
    _, client = new_portal()
    list_id = _dynamic(client)
    client.put(
        f"{BASE}/{list_id}/schedule-conversion", json={"conversionType": "INACTIVITY", "timeUnit": "WEEK", "offset": 2}
    )
    frozen.put("/clock", json={"advanceMs": 13 * 86_400_000})
    assert client.get(f"{BASE}/{list_id}").json()["list"]["processingType"] == "DYNAMIC"
    frozen.put("/clock", json={"advanceMs": 86_400_000})
    assert client.get(f"{BASE}/{list_id}").json()["list"]["processingType"] == "MANUAL"


def test_a_cancelled_conversion_never_happens_and_a_second_cancel_is_a_404(new_portal, frozen):
    _, client = new_portal()
    list_id = _dynamic(client)
    client.put(
        f"{BASE}/{list_id}/schedule-conversion", json={"conversionType": "INACTIVITY", "timeUnit": "DAY", "offset": 1}
    )
    assert client.delete(f"{BASE}/{list_id}/schedule-conversion").status_code == 204
    assert client.get(f"{BASE}/{list_id}/schedule-conversion").json() == {"listId": list_id}
    frozen.put("/clock", json={"advanceMs": 3 * 86_400_000})
    assert client.get(f"{BASE}/{list_id}").json()["list"]["processingType"] == "DYNAMIC"
    assert_error(
        client.delete(f"{BASE}/{list_id}/schedule-conversion"),
        404,
        "OBJECT_NOT_FOUND",
        f"List {list_id} has no conversion scheduled.",
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"conversionType": "CONVERSION_DATE", "year": 2031, "month": 3, "day": 1},
            "The conversion date must be in the future.",
        ),
        ({"conversionType": "CONVERSION_DATE", "year": 2031, "month": 2, "day": 30}, "2031-02 has no day 30."),
        (
            {"conversionType": "CONVERSION_DATE", "year": 2031},
            "A CONVERSION_DATE conversion needs year, month and day.",
        ),
        (
            {"conversionType": "INACTIVITY", "timeUnit": "YEAR", "offset": 1},
            "An INACTIVITY conversion needs a timeUnit of DAY, WEEK or MONTH.",
        ),
        (
            {"conversionType": "INACTIVITY", "timeUnit": "DAY", "offset": 0},
            "An INACTIVITY conversion needs an offset from 1 to 10000.",
        ),
        ({"conversionType": "SOMETIME"}, "conversionType must be CONVERSION_DATE or INACTIVITY."),
    ],
)
def test_bad_conversions_are_400s_and_schedule_nothing(new_portal, frozen, body, message):
    _, client = new_portal()
    list_id = _dynamic(client)
    assert_error(client.put(f"{BASE}/{list_id}/schedule-conversion", json=body), 400, "VALIDATION_ERROR", message)
    assert client.get(f"{BASE}/{list_id}/schedule-conversion").json() == {"listId": list_id}


def test_only_dynamic_lists_convert(new_portal):
    _, client = new_portal()
    made = client.post(BASE + "/", json={"name": "by hand", "objectTypeId": "0-1", "processingType": "MANUAL"}).json()
    body = {"conversionType": "INACTIVITY", "timeUnit": "DAY", "offset": 1}
    answer = client.put(f"{BASE}/{made['list']['listId']}/schedule-conversion", json=body)
    assert assert_error(answer, 400, "VALIDATION_ERROR")["subCategory"] == "ListError.INVALID_PROCESSING_TYPE"


def test_size_and_edits_history(new_portal, frozen):
    _, client = new_portal()
    contacts(client, ("p@example.com", "Porto"))
    list_id = _dynamic(client)
    span = {"startDate": "2031-02-01T00:00:00Z", "endDate": "2031-04-01T00:00:00Z"}
    assert client.get(f"{BASE}/{list_id}/size-and-edits-history/between", params=span).json() == {
        "sizeHistory": [{"size": 1, "timestamp": NOW}],
        "editHistory": [NOW],
    }
    before = {"startDate": "2030-01-01T00:00:00Z", "endDate": "2030-02-01T00:00:00Z"}
    assert client.get(f"{BASE}/{list_id}/size-and-edits-history/between", params=before).json() == {
        "sizeHistory": [],
        "editHistory": [],
    }
    assert_error(
        client.get(f"{BASE}/{list_id}/size-and-edits-history/between"),
        400,
        "VALIDATION_ERROR",
        "startDate is required (an ISO-8601 instant).",
    )
    reversed_span = {"startDate": span["endDate"], "endDate": span["startDate"]}
    assert_error(
        client.get(f"{BASE}/{list_id}/size-and-edits-history/between", params=reversed_span), 400, "VALIDATION_ERROR"
    )
