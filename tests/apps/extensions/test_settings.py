"""An app's calling extension, recording, channel connection and video conferencing settings: one engine, on
every version family's paths, with the app's developer API key."""

from __future__ import annotations

import httpx
import pytest

from tests.apps.test_oauth import create_app
from tests.support.asserts import assert_error

CALLING = ("/crm/v3/extensions/calling", "/crm/extensions/calling/v3", "/crm/extensions/calling/2025-09",
           "/crm/extensions/calling/2026-03", "/crm/extensions/calling/2026-09")  # fmt: skip
VIDEO = ("/crm/v3/extensions/videoconferencing", "/crm/extensions/videoconferencing/2025-09",
         "/crm/extensions/videoconferencing/2026-03", "/crm/extensions/videoconferencing/2026-09")  # fmt: skip
SETTINGS = {
    "name": "Dialer",
    "url": "https://dialer.example.com/widget",
    "height": 600,
    "width": 400,
    "isReady": False,
    "supportsCustomObjects": True,
    "supportsInboundCalling": False,
    "usesCallingWindow": True,
    "usesRemote": False,
}


def iso(value: str) -> bool:
    return len(value) == 24 and value.endswith("Z") and value[10] == "T"


@pytest.mark.parametrize("prefix", CALLING)
def test_calling_settings_are_created_read_patched_and_deleted(dev, app, prefix):
    path = f"{prefix}/{app['appId']}/settings"
    assert_error(dev.get(path), 404, "OBJECT_NOT_FOUND")
    created = dev.post(path, json=SETTINGS)
    assert created.status_code == 200, created.text
    body = created.json()
    assert iso(body.pop("createdAt")) and iso(body.pop("updatedAt"))
    assert body == SETTINGS
    assert_error(dev.post(path, json=SETTINGS), 409, "CONFLICT")
    patched = dev.patch(path, json={"isReady": True, "width": 500})
    assert patched.status_code == 200
    assert patched.json() == {**created.json(), "isReady": True, "width": 500, "updatedAt": patched.json()["updatedAt"]}
    assert dev.get(path).json() == patched.json()
    assert dev.delete(path).status_code == 204
    assert_error(dev.get(path), 404, "OBJECT_NOT_FOUND")
    assert_error(dev.delete(path), 404, "OBJECT_NOT_FOUND")
    assert_error(dev.patch(path, json={"isReady": True}), 404, "OBJECT_NOT_FOUND")


@pytest.mark.parametrize("prefix", CALLING[::2])
def test_recording_and_channel_connection_settings(dev, app, prefix):
    recording = f"{prefix}/{app['appId']}/settings/recording"
    url = {"urlToRetrieveAuthedRecording": "https://dialer.example.com/recordings/%s"}
    assert dev.post(recording, json=url).json() == url
    changed = {"urlToRetrieveAuthedRecording": "https://dialer.example.com/r/%s"}
    assert dev.patch(recording, json=changed).json() == changed
    assert dev.get(recording).json() == changed
    channel = f"{prefix}/{app['appId']}/settings/channel-connection"
    made = dev.post(channel, json={"url": "https://dialer.example.com/channel", "isReady": True}).json()
    assert {k: made[k] for k in ("url", "isReady")} == {"url": "https://dialer.example.com/channel", "isReady": True}
    assert dev.patch(channel, json={"isReady": False}).json()["isReady"] is False
    assert dev.delete(channel).status_code == 204
    assert_error(dev.get(channel), 404, "OBJECT_NOT_FOUND")
    # The calling settings themselves were never made: each kind stands alone.
    assert_error(dev.get(f"{prefix}/{app['appId']}/settings"), 404, "OBJECT_NOT_FOUND")


@pytest.mark.parametrize("prefix", VIDEO)
def test_video_conferencing_settings_are_put_read_and_deleted(dev, app, prefix):
    path = f"{prefix}/settings/{app['appId']}"
    assert_error(dev.get(path), 404, "OBJECT_NOT_FOUND")
    first = {"createMeetingUrl": "https://video.example.com/create", "userVerifyUrl": "https://video.example.com/v"}
    assert dev.put(path, json=first).json() == first
    second = {"createMeetingUrl": "https://video.example.com/new", "deleteMeetingUrl": "https://video.example.com/d"}
    assert dev.put(path, json=second).json() == second
    assert dev.get(path).json() == second
    assert dev.delete(path).status_code == 204
    assert_error(dev.get(path), 404, "OBJECT_NOT_FOUND")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({k: v for k, v in SETTINGS.items() if k != "url"}, "url"),
        ({**SETTINGS, "url": "ftp://dialer.example.com"}, "url"),
        ({**SETTINGS, "width": 0}, "width"),
        ({**SETTINGS, "isReady": "yes"}, "isReady"),
        ({**SETTINGS, "name": " "}, "name"),
    ],
)
def test_bad_calling_settings_are_400s_naming_the_field_and_write_nothing(dev, app, body, field):
    path = f"/crm/v3/extensions/calling/{app['appId']}/settings"
    answer = assert_error(dev.post(path, json=body), 400, "VALIDATION_ERROR")
    assert field in answer["message"]
    assert_error(dev.get(path), 404, "OBJECT_NOT_FOUND")


def test_a_bad_patch_changes_nothing(dev, app):
    path = f"/crm/v3/extensions/calling/{app['appId']}/settings"
    created = dev.post(path, json=SETTINGS).json()
    assert_error(dev.patch(path, json={"url": "not a url"}), 400, "VALIDATION_ERROR")
    assert_error(dev.patch(path, json={"height": "tall"}), 400, "VALIDATION_ERROR")
    video = f"/crm/v3/extensions/videoconferencing/settings/{app['appId']}"
    assert_error(dev.put(video, json={"deleteMeetingUrl": "https://x.example.com"}), 400, "VALIDATION_ERROR")
    assert_error(dev.get(video), 404, "OBJECT_NOT_FOUND")
    assert dev.get(path).json() == created


def test_settings_are_the_apps_own_and_need_its_key(base_url, admin, dev, app):
    other = create_app(admin)
    path = f"/crm/v3/extensions/calling/{app['appId']}/settings"
    dev.post(path, json=SETTINGS)
    wrong_key = httpx.get(f"{base_url}{path}", params={"hapikey": other["developerApiKey"]})
    assert_error(wrong_key, 401, "INVALID_AUTHENTICATION")
    assert_error(httpx.get(f"{base_url}{path}"), 401, "INVALID_AUTHENTICATION")
    others = httpx.get(
        f"{base_url}/crm/v3/extensions/calling/{other['appId']}/settings", params={"hapikey": other["developerApiKey"]}
    )
    assert_error(others, 404, "OBJECT_NOT_FOUND")
    # The key as a bearer token works too.
    bearer = httpx.get(f"{base_url}{path}", headers={"Authorization": f"Bearer {app['developerApiKey']}"})
    assert bearer.status_code == 200 and bearer.json()["name"] == "Dialer"


def test_settings_survive_a_restart(fresh_server):
    server = fresh_server()
    with httpx.Client(base_url=f"{server.url}/_localspot", timeout=30) as admin:
        app = create_app(admin)
        key = {"hapikey": app["developerApiKey"]}
        path = f"{server.url}/crm/v3/extensions/calling/{app['appId']}/settings"
        created = httpx.post(path, params=key, json=SETTINGS).json()
        assert server.stop() == 0
        server.start()
        assert httpx.get(path, params=key).json() == created
