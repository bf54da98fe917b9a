"""The inspector's forms: each action runs through the control plane's services, redirects back with a notice
(or the service's own message when refused), and only a same-origin form may act; with an admin token a
browser signs in once with `?token=`, which becomes a cookie."""

from __future__ import annotations

import httpx
import pytest

from tests.inspector.conftest import UI

CONTACTS = "/crm/v3/objects/contacts"


def _act(ui: httpx.Client, action: str, back: str = "/", **form: object) -> str:
    answer = ui.post(f"/actions/{action}", data={k: str(v) for k, v in form.items()}, params={"back": UI + back})
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def test_portals_are_created_reset_snapshotted_restored_and_deleted_from_the_page(ui, admin, new_portal, unique):
    portal_id, client = new_portal()
    assert client.post(CONTACTS, json={"properties": {"email": f"{unique}@example.com"}}).status_code == 201
    assert "notice=Snapshot+one" in _act(ui, "snapshot-create", portalId=portal_id, name="one")
    assert "notice=Portal" in _act(ui, "portal-reset", portalId=portal_id)
    assert admin.get(f"/portals/{portal_id}").json()["recordCounts"] == {}
    assert "restored" in _act(ui, "snapshot-restore", portalId=portal_id, name="one")
    assert admin.get(f"/portals/{portal_id}").json()["recordCounts"] == {"contacts": 1}
    page = ui.get("/").text
    assert '<input type="hidden" name="name" value="one">' in page
    assert "deleted" in _act(ui, "snapshot-delete", portalId=portal_id, name="one")
    new_id = int(unique, 16) % 10**12 + 5 * 10**12
    location = _act(ui, "portal-create", portalId=new_id, name="made in the browser")
    assert f"Portal+{new_id}+created" in location
    assert admin.get(f"/portals/{new_id}").json()["name"] == "made in the browser"
    assert "deleted" in _act(ui, "portal-delete", portalId=new_id)
    assert admin.get(f"/portals/{new_id}").status_code == 404


def test_a_refused_action_shows_the_services_message(ui, new_portal):
    portal_id, _ = new_portal()
    location = _act(ui, "snapshot-create", portalId=portal_id, name="not a name!")
    assert location.startswith(UI + "/?problem=name")
    shown = ui.get(location.removeprefix(UI)).text
    assert 'class="problem"' in shown and "letters" in shown
    assert "problem=" in _act(ui, "portal-reset", portalId="abc")
    assert "unknown+action" in _act(ui, "no-such-action")


def test_a_fault_added_on_the_page_fails_the_next_request_until_removed(ui, admin, new_portal):
    portal_id, client = new_portal()
    location = _act(ui, "fault-create", "/controls", path=CONTACTS, method="get", status=503, portalId=portal_id)
    assert location.startswith(UI + "/controls?notice=Fault")
    assert client.get(CONTACTS).status_code == 503
    fault_id = next(f["id"] for f in admin.get("/faults").json()["results"] if f.get("portalId") == portal_id)
    assert f'value="{fault_id}"' in ui.get("/controls").text
    _act(ui, "fault-delete", "/controls", faultId=fault_id)
    assert client.get(CONTACTS).status_code == 200


def test_rate_limits_and_the_clock_are_changed_from_the_page(ui, admin, new_portal):
    portal_id, _ = new_portal()
    _act(ui, "rate-limits", "/controls", portalId=portal_id, tier="professional")
    assert admin.get(f"/portals/{portal_id}/rate-limits").json()["tier"] == "professional"
    assert "professional: 190 per 10000 ms" in ui.get("/controls").text
    _act(ui, "rate-limits", "/controls", portalId=portal_id, tier="off")
    assert admin.get(f"/portals/{portal_id}/rate-limits").json()["enabled"] is False
    try:
        assert "frozen" in _act(ui, "clock-set", "/controls", now="2030-01-02T03:04", frozen="on")
        assert admin.get("/clock").json()["now"] == "2030-01-02T03:04:00.000Z"
        _act(ui, "clock-advance", "/controls", advanceMs=60_000)
        assert admin.get("/clock").json()["now"] == "2030-01-02T03:05:00.000Z"
        assert "2030-01-02T03:05:00.000Z" in ui.get("/controls").text
    finally:
        _act(ui, "clock-real", "/controls")
    assert admin.get("/clock").json()["realTime"] is True


def test_a_form_of_another_site_cannot_act(ui, new_portal):
    portal_id, _ = new_portal()
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        answer = ui.post("/actions/portal-delete", data={"portalId": str(portal_id)}, headers=headers)
        assert answer.status_code == 403
    assert f'id="portal-{portal_id}"' in ui.get("/").text


def test_an_action_returns_only_to_an_inspector_page(ui, new_portal):
    portal_id, _ = new_portal()
    answer = ui.post(
        "/actions/rate-limits",
        data={"portalId": str(portal_id), "tier": "off"},
        params={"back": "https://evil.example/"},
    )
    assert answer.headers["location"].startswith(UI + "/?notice=")


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    from tests.support.server import LocalspotServer, storage_or_skip

    storage = storage_or_skip(tmp_path_factory.mktemp("guarded"))
    running = LocalspotServer(storage, "guarded-token", extra_args=["--admin-token", "the-admin-secret"]).start()
    yield running
    running.stop()
    storage.drop()


def test_with_an_admin_token_the_page_asks_for_it_and_keeps_it_in_a_cookie(guarded):
    with httpx.Client(base_url=guarded.url + UI, timeout=30) as browser:
        asked = browser.get("/requests")
        assert asked.status_code == 401 and 'name="token"' in asked.text
        assert browser.get("/requests", params={"token": "wrong"}).status_code == 401
        signed_in = browser.get("/requests", params={"token": "the-admin-secret", "method": "GET"})
        assert signed_in.status_code == 303 and signed_in.headers["location"] == UI + "/requests?method=GET"
        cookie = signed_in.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and f"Path={UI}" in cookie
        assert browser.get("/requests").status_code == 200
        assert browser.get("/requests/stream", headers={"Cookie": "localspot_admin=wrong"}).status_code == 401
    bearer = {"Authorization": "Bearer the-admin-secret"}
    assert httpx.get(guarded.url + UI + "/controls", headers=bearer).status_code == 200
    assert httpx.get(guarded.url + UI + "/controls", headers={"Authorization": "Bearer x"}).status_code == 401
