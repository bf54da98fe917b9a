"""What calling apps write into an account with its token: transcripts of calls, recordings marked ready,
inbound calls, users' connection statuses; and an app's uninstall with its install's OAuth token."""

from __future__ import annotations

import httpx
import pytest

from tests.apps.test_oauth import REDIRECT, installed
from tests.conftest import make_client
from tests.support.asserts import assert_error

PREFIXES = ("/crm/v3/extensions/calling", "/crm/extensions/calling/2025-09", "/crm/extensions/calling/2026-03",
            "/crm/extensions/calling/2026-09")  # fmt: skip
UTTERANCE = {
    "speaker": {"id": "agent-1", "name": "Ada", "email": "ada@example.com"},
    "text": "Hello, thanks for calling.",
    "startTimeMillis": 0,
    "endTimeMillis": 1800,
    "languageCode": "en-US",
}


def a_call(client: httpx.Client) -> str:
    made = client.post("/crm/v3/objects/calls", json={"properties": {"hs_timestamp": "2026-01-02T03:04:05Z"}})
    assert made.status_code == 201, made.text
    return made.json()["id"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_transcript_is_stored_against_its_call_read_and_deleted(new_portal, prefix):
    _, client = new_portal()
    call_id = a_call(client)
    created = client.post(
        f"{prefix}/transcripts",
        json={"engagementId": int(call_id), "transcriptCreateUtterances": [UTTERANCE, {**UTTERANCE, "text": "Hi"}]},
    )
    assert created.status_code == 200, created.text
    transcript_id = created.json()["id"]
    assert created.json() == {"id": transcript_id}
    read = client.get(f"{prefix}/transcripts/{transcript_id}").json()
    utterance_ids = [u["id"] for u in read["transcriptUtterances"]]
    assert read == {
        "id": transcript_id,
        "engagementId": int(call_id),
        "transcriptSource": "INTEGRATOR_GENERATED",
        "transcriptUtterances": [
            {"id": utterance_ids[0], **UTTERANCE},
            {"id": utterance_ids[1], **UTTERANCE, "text": "Hi"},
        ],
        "createdAt": read["createdAt"],
        "updatedAt": read["createdAt"],
    }
    assert len(set(utterance_ids)) == 2
    assert client.delete(f"{prefix}/transcripts/{transcript_id}").status_code == 204
    assert_error(client.get(f"{prefix}/transcripts/{transcript_id}"), 404, "OBJECT_NOT_FOUND")
    assert_error(client.delete(f"{prefix}/transcripts/{transcript_id}"), 404, "OBJECT_NOT_FOUND")


@pytest.mark.parametrize(
    ("body", "status", "category"),
    [
        ({"engagementId": 424242, "transcriptCreateUtterances": [UTTERANCE]}, 404, "OBJECT_NOT_FOUND"),
        ({"engagementId": None, "transcriptCreateUtterances": [UTTERANCE]}, 400, "VALIDATION_ERROR"),
        ({"transcriptCreateUtterances": []}, 400, "VALIDATION_ERROR"),
        ({"transcriptCreateUtterances": [{**UTTERANCE, "endTimeMillis": -1}]}, 400, "VALIDATION_ERROR"),
        ({"transcriptCreateUtterances": [{k: v for k, v in UTTERANCE.items() if k != "speaker"}]}, 400,
         "VALIDATION_ERROR"),
    ],
)  # fmt: skip
def test_bad_transcripts_are_4xx(new_portal, body, status, category):
    _, client = new_portal()
    call_id = a_call(client)
    answer = client.post("/crm/v3/extensions/calling/transcripts", json={"engagementId": int(call_id), **body})
    assert_error(answer, status, category)


def test_another_portals_call_and_transcript_are_404s(new_portal):
    _, mine = new_portal()
    _, theirs = new_portal()
    call_id = a_call(mine)
    body = {"engagementId": int(call_id), "transcriptCreateUtterances": [UTTERANCE]}
    assert_error(theirs.post("/crm/v3/extensions/calling/transcripts", json=body), 404, "OBJECT_NOT_FOUND")
    transcript_id = mine.post("/crm/v3/extensions/calling/transcripts", json=body).json()["id"]
    assert_error(theirs.get(f"/crm/v3/extensions/calling/transcripts/{transcript_id}"), 404, "OBJECT_NOT_FOUND")
    assert_error(theirs.delete(f"/crm/v3/extensions/calling/transcripts/{transcript_id}"), 404, "OBJECT_NOT_FOUND")
    assert mine.get(f"/crm/v3/extensions/calling/transcripts/{transcript_id}").status_code == 200


def test_a_recording_is_marked_ready_for_a_call_of_the_account(new_portal):
    _, client = new_portal()
    call_id = a_call(client)
    ready = client.post("/crm/v3/extensions/calling/recordings/ready", json={"engagementId": int(call_id)})
    assert ready.status_code == 204
    # An id no record holds: a fixed small one can be this portal's own call on a fresh server.
    no_call = int(call_id) + 1_000_000
    unknown = client.post("/crm/extensions/calling/2026-03/recordings/ready", json={"engagementId": no_call})
    assert_error(unknown, 404, "OBJECT_NOT_FOUND")


def inbound(**overrides) -> dict:
    return {
        "externalCallId": "ext-1",
        "finalCallStatus": "COMPLETED",
        "fromNumber": {"e164Number": "+14155550100", "phoneNumberType": "MOBILE"},
        "toNumber": {"e164Number": "+14155550199", "phoneNumberType": "FIXED_LINE"},
        "createEngagement": True,
        "engagementProperties": {"hs_call_title": "Support line"},
        "potentialRecipientUserIds": [1],
        "durationSeconds": 42,
        "callStartedTimestamp": "2026-02-03T04:05:06Z",
        **overrides,
    }


def calls_of(client: httpx.Client) -> list[dict]:
    properties = "hs_call_direction,hs_call_status,hs_call_from_number,hs_call_duration,hs_call_title"
    return client.get("/crm/v3/objects/calls", params={"properties": properties}).json()["results"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_an_inbound_call_matches_the_caller_and_logs_the_call(new_portal, prefix):
    portal_id, client = new_portal()
    contact = client.post(
        "/crm/v3/objects/contacts",
        json={"properties": {"firstname": "Grace", "lastname": "Hopper", "phone": "+14155550100"}},
    ).json()
    client.post("/crm/v3/objects/contacts", json={"properties": {"firstname": "Other", "phone": "+15550000000"}})
    answer = client.post(f"{prefix}/inbound-call", json=inbound())
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "callerIdMatches": [
            {
                "callerIdType": "CONTACT",
                "objectCoordinates": {"objectTypeId": "0-1", "objectId": int(contact["id"]), "portalId": portal_id},
                "firstName": "Grace",
                "lastName": "Hopper",
            }
        ]
    }
    [call] = calls_of(client)
    assert {k: call["properties"][k] for k in ("hs_call_direction", "hs_call_status", "hs_call_from_number")} == {
        "hs_call_direction": "INBOUND",
        "hs_call_status": "COMPLETED",
        "hs_call_from_number": "+14155550100",
    }
    assert call["properties"]["hs_call_duration"] == "42000"
    assert call["properties"]["hs_call_title"] == "Support line"


def test_an_inbound_call_without_an_engagement_writes_nothing(new_portal):
    _, client = new_portal()
    answer = client.post("/crm/v3/extensions/calling/inbound-call", json=inbound(createEngagement=False))
    assert answer.json() == {"callerIdMatches": []}
    assert calls_of(client) == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"fromNumber": {"e164Number": "4155550100", "phoneNumberType": "MOBILE"}}, "fromNumber.e164Number"),
        ({"finalCallStatus": "DONE"}, "finalCallStatus"),
        ({"engagementProperties": {"no_such_property": "x"}}, "no_such_property"),
        ({"durationSeconds": -1}, "durationSeconds"),
    ],
)
def test_bad_inbound_calls_are_400s_and_log_nothing(new_portal, overrides, field):
    _, client = new_portal()
    answer = client.post("/crm/v3/extensions/calling/inbound-call", json=inbound(**overrides))
    body = assert_error(answer, 400, "VALIDATION_ERROR")
    assert field in body["message"] or field in str(body.get("errors"))
    assert calls_of(client) == []


def test_connection_statuses(new_portal):
    _, client = new_portal()
    for prefix in ("/crm/extensions/calling/v3", "/crm/extensions/calling/2026-09"):
        listed = client.get(f"{prefix}/connection-statuses", params={"userId": ["7", "8"]})
        assert listed.json() == {"results": [{"userId": "7", "connected": False}, {"userId": "8", "connected": False}]}
        batch = client.post(f"{prefix}/connection-statuses/batch/read", json={"inputs": [{"id": "9"}]})
        assert batch.json() == {"results": [{"userId": "9", "connected": False}]}
        assert client.get(f"{prefix}/connection-statuses/me").json() == {"userId": "1", "connected": False}
        bad = client.get(f"{prefix}/connection-statuses", params={"userId": "me"})
        assert_error(bad, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize("prefix", ["/appinstalls/v3", "/appinstalls/2026-03", "/appinstalls/2026-09"])
def test_an_app_uninstalls_itself_with_its_access_token(base_url, admin, prefix):
    app, tokens = installed(base_url, admin)
    with make_client(base_url, tokens["access_token"]) as app_api:
        assert app_api.get("/crm/v3/objects/contacts").status_code == 200
        assert app_api.delete(f"{prefix}/external-install").status_code == 204
        assert_error(app_api.get("/crm/v3/objects/contacts"), 401, "INVALID_AUTHENTICATION")
        assert_error(app_api.delete(f"{prefix}/external-install"), 401, "INVALID_AUTHENTICATION")
    refreshed = httpx.post(
        f"{base_url}/oauth/v1/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": app["clientId"],
            "client_secret": app["clientSecret"],
            "redirect_uri": REDIRECT,
        },
    )
    assert refreshed.status_code == 400 and refreshed.json()["status"] == "BAD_REFRESH_TOKEN"
    # The app itself stays registered.
    assert admin.get(f"/apps/{app['appId']}").status_code == 200


def test_uninstalling_needs_an_apps_oauth_token(base_url, api):
    assert_error(httpx.delete(f"{base_url}/appinstalls/v3/external-install"), 401, "INVALID_AUTHENTICATION")
    # A portal's own (non-app) token is no install of an app.
    assert_error(api.delete("/appinstalls/v3/external-install"), 401, "INVALID_AUTHENTICATION")
    assert api.get("/crm/v3/objects/contacts").status_code == 200
