"""The timeline API: an app's event templates and tokens (its developer key), and events written onto records
(a portal's token), with HubSpot's Python client and over plain HTTP."""

from __future__ import annotations

import pytest

from tests.apps.test_oauth import create_app
from tests.support.asserts import assert_error

BASE = "/crm/v3/objects"
TIMELINE = "/integrators/timeline/v3"
TOKENS = [
    {"name": "plan", "label": "Plan", "type": "enumeration", "options": [{"label": "Gold", "value": "gold"}]},
    {"name": "seats", "label": "Seats", "type": "number", "objectPropertyName": "jobtitle"},
    {"name": "note", "label": "Note", "type": "string"},
]


@pytest.fixture
def app(admin) -> dict:
    return create_app(admin, scopes=["oauth", "timeline"])


def _template(admin_client, app: dict, **overrides: object) -> dict:
    body = {"name": "Signed up", "objectType": "contacts", "headerTemplate": "{{plan}}", "tokens": TOKENS, **overrides}
    made = admin_client.post(f"{TIMELINE}/{app['appId']}/event-templates?hapikey={app['developerApiKey']}", json=body)
    assert made.status_code == 201, made.text
    return made.json()


def test_the_official_client_manages_templates_and_writes_events(base_url, app, new_portal):
    from hubspot import HubSpot
    from hubspot.crm.timeline import TimelineEvent, TimelineEventTemplateCreateRequest, TimelineEventTemplateToken
    from urllib3.util.retry import Retry

    developer = HubSpot(api_key=app["developerApiKey"], host=base_url, retry=Retry(total=0))
    templates = developer.crm.timeline.templates_api
    created = templates.create(
        app["appId"],
        TimelineEventTemplateCreateRequest(
            name="Webinar",
            object_type="contacts",
            header_template="Joined {{topic}}",
            tokens=[TimelineEventTemplateToken(name="topic", label="Topic", type="string", options=[])],
        ),
    )
    assert (created.name, created.object_type, [t.name for t in created.tokens]) == ("Webinar", "contacts", ["topic"])
    developer.crm.timeline.tokens_api.create(
        created.id, app["appId"], TimelineEventTemplateToken(name="minutes", label="Minutes", type="number", options=[])
    )
    listed = templates.get_all(app["appId"]).results
    assert [t.id for t in listed] == [created.id]
    assert [t.name for t in templates.get_by_id(created.id, app["appId"]).tokens] == ["topic", "minutes"]

    _, client = new_portal()
    token = client.headers["authorization"].split()[1]
    portal = HubSpot(access_token=token, host=base_url, retry=Retry(total=0))
    event = portal.crm.timeline.events_api.create(
        TimelineEvent(
            event_template_id=created.id, id="evt-1", email="w@example.com", tokens={"topic": "APIs", "minutes": 30}
        )
    )
    assert (event.id, event.object_type, event.tokens) == ("evt-1", "contacts", {"topic": "APIs", "minutes": "30"})
    contact = client.get(f"{BASE}/contacts/w@example.com", params={"idProperty": "email"}).json()
    assert event.object_id == contact["id"]  # the contact was created for the event
    read = portal.crm.timeline.events_api.get_by_id(created.id, "evt-1")
    assert (read.id, read.object_id) == ("evt-1", contact["id"])


def test_a_token_with_an_object_property_sets_it_on_the_record(base_url, app, new_portal, admin):
    _, client = new_portal()
    template = _template(client, app)
    contact = client.post(f"{BASE}/contacts", json={"properties": {"email": "t@example.com"}}).json()
    body = {
        "eventTemplateId": template["id"],
        "id": "e1",
        "objectId": contact["id"],
        "tokens": {"plan": "gold", "seats": 12},
    }
    made = client.post(f"{TIMELINE}/events", json=body)
    assert made.status_code == 201, made.text
    assert made.json()["tokens"] == {"plan": "gold", "seats": "12"}
    assert (
        client.get(f"{BASE}/contacts/{contact['id']}", params={"properties": "jobtitle"}).json()["properties"][
            "jobtitle"
        ]
        == "12"
    )
    again = client.post(f"{TIMELINE}/events", json=body)
    assert_error(again, 409, "CONFLICT", "An event with id 'e1' already exists for this template.")


def test_bad_events_are_400s_and_a_batch_reports_each(app, new_portal):
    _, client = new_portal()
    template = _template(client, app)
    contact = client.post(f"{BASE}/contacts", json={"properties": {"email": "b@example.com"}}).json()
    base = {"eventTemplateId": template["id"], "objectId": contact["id"]}
    for tokens, message in (
        ({"plan": "silver"}, "Token plan: 'silver' is not one of its options."),
        ({"seats": "many"}, "Token seats: 'many' is not a number."),
        ({"colour": "red"}, f"Template {template['id']} has no token 'colour'."),
    ):
        assert_error(
            client.post(f"{TIMELINE}/events", json={**base, "id": "x", "tokens": tokens}),
            400,
            "VALIDATION_ERROR",
            message,
        )
    assert_error(
        client.post(f"{TIMELINE}/events", json={"eventTemplateId": "999999999", "id": "x"}), 404, "OBJECT_NOT_FOUND"
    )
    assert_error(
        client.post(f"{TIMELINE}/events", json={**base, "id": "x", "objectId": "999999999999"}), 404, "OBJECT_NOT_FOUND"
    )
    batch = {
        "inputs": [{**base, "id": "ok", "tokens": {"plan": "gold"}}, {**base, "id": "bad", "tokens": {"plan": "x"}}]
    }
    answer = client.post(f"{TIMELINE}/events/batch/create", json=batch)
    assert answer.status_code == 207
    assert [r["id"] for r in answer.json()["results"]] == ["ok"] and answer.json()["numErrors"] == 1
    assert_error(client.get(f"{TIMELINE}/events/{template['id']}/bad"), 404, "OBJECT_NOT_FOUND")


def test_templates_are_the_apps_own_and_need_its_key(admin, app, new_portal):
    _, client = new_portal()
    template = _template(client, app)
    other = create_app(admin, scopes=["oauth"])
    wrong_key = client.get(f"{TIMELINE}/{app['appId']}/event-templates?hapikey={other['developerApiKey']}")
    assert wrong_key.status_code == 401
    not_its_own = client.get(
        f"{TIMELINE}/{other['appId']}/event-templates/{template['id']}?hapikey={other['developerApiKey']}"
    )
    assert_error(not_its_own, 404, "OBJECT_NOT_FOUND")


def test_template_updates_token_changes_and_delete(app, new_portal):
    _, client = new_portal()
    template = _template(client, app)
    key = f"?hapikey={app['developerApiKey']}"
    path = f"{TIMELINE}/{app['appId']}/event-templates/{template['id']}"
    updated = client.put(path + key, json={"id": template["id"], "name": "Renamed", "tokens": TOKENS[:1]})
    assert updated.status_code == 200 and updated.json()["name"] == "Renamed"
    assert [t["name"] for t in updated.json()["tokens"]] == ["plan"]
    changed = client.put(
        f"{path}/tokens/plan{key}", json={"label": "Tier", "options": [{"label": "Gold", "value": "gold"}]}
    )
    assert changed.json()["label"] == "Tier"
    assert_error(client.post(f"{path}/tokens{key}", json=TOKENS[0]), 409, "CONFLICT")
    assert client.delete(f"{path}/tokens/plan{key}").status_code == 204
    assert_error(client.delete(f"{path}/tokens/plan{key}"), 404, "OBJECT_NOT_FOUND")
    assert client.delete(path + key).status_code == 204
    assert_error(client.get(path + key), 404, "OBJECT_NOT_FOUND")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"objectType": "widgets"}, "objectType must be one of contacts, companies, deals, tickets"),
        ({"tokens": [{"name": "Bad Name", "label": "x", "type": "string"}]}, "Token name 'Bad Name'"),
        ({"tokens": [{"name": "log", "label": "x", "type": "string"}]}, "Token name 'log'"),
        ({"tokens": [{"name": "a", "label": "x", "type": "colour"}]}, "Token a: type must be one of"),
        (
            {"tokens": [{"name": "a", "label": "x", "type": "enumeration"}]},
            "Token a: an enumeration token needs its options.",
        ),
        ({"name": ""}, "A template's name must be 1 to 200 characters."),
    ],
)
def test_bad_templates_are_400s(app, new_portal, overrides, message):
    _, client = new_portal()
    body = {"name": "T", "objectType": "contacts", "tokens": [], **overrides}
    answer = client.post(f"{TIMELINE}/{app['appId']}/event-templates?hapikey={app['developerApiKey']}", json=body)
    assert assert_error(answer, 400, "VALIDATION_ERROR")["message"].startswith(message)
    listed = client.get(f"{TIMELINE}/{app['appId']}/event-templates?hapikey={app['developerApiKey']}").json()
    assert listed == {"results": []}
