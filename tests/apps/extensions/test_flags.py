"""An app's feature flags: a default state per supported flag and a state per account, with the app's key."""

from __future__ import annotations

import httpx
import pytest

from tests.apps.test_oauth import create_app
from tests.support.asserts import assert_error

FLAG = "hs-release-app-cards"


@pytest.mark.parametrize("prefix", ["/feature-flags/v3", "/feature-flags/2026-03"])
def test_a_flag_is_set_read_listed_and_deleted(dev, app, prefix):
    base = f"{prefix}/{app['appId']}/flags"
    assert dev.get(f"{base}/all").json() == {"flagsForApp": []}
    assert_error(dev.get(f"{base}/{FLAG}"), 404, "OBJECT_NOT_FOUND")
    put = dev.put(f"{base}/{FLAG}", json={"defaultState": "OFF"})
    assert put.status_code == 200
    assert put.json() == {"appId": app["appId"], "flagName": FLAG, "defaultState": "OFF"}
    dev.put(f"{base}/hs-hide-crm-cards", json={"defaultState": "ON", "overrideState": "OFF"})
    assert dev.get(f"{base}/hs-hide-crm-cards").json() == {
        "appId": app["appId"],
        "flagName": "hs-hide-crm-cards",
        "defaultState": "ON",
        "overrideState": "OFF",
    }
    assert dev.get(f"{base}/all").json() == {"flagsForApp": ["hs-hide-crm-cards", FLAG]}
    deleted = dev.delete(f"{base}/{FLAG}")
    assert deleted.json() == {"appId": app["appId"], "flagName": FLAG, "defaultState": "ABSENT"}
    assert_error(dev.get(f"{base}/{FLAG}"), 404, "OBJECT_NOT_FOUND")
    assert dev.get(f"{base}/all").json() == {"flagsForApp": ["hs-hide-crm-cards"]}


def test_account_states_one_by_one_and_in_batches(dev, app, new_portal):
    portals = sorted(new_portal()[0] for _ in range(3))
    base = f"/feature-flags/v3/{app['appId']}/flags/{FLAG}"
    dev.put(base, json={"defaultState": "OFF"})

    def state(portal_id: int, flag_state: str) -> dict:
        return {"appId": app["appId"], "flagName": FLAG, "portalId": portal_id, "flagState": flag_state}

    assert dev.put(f"{base}/portals/{portals[0]}", json={"flagState": "ON"}).json() == state(portals[0], "ON")
    assert dev.get(f"{base}/portals/{portals[0]}").json() == state(portals[0], "ON")
    upsert = dev.post(
        f"{base}/portals/batch/upsert",
        json={"portalStates": [{"portalId": p, "flagState": "OFF"} for p in portals[1:]]},
    )
    assert upsert.json() == {"portalFlagStates": [state(p, "OFF") for p in portals[1:]]}
    everyone = [state(portals[0], "ON"), *[state(p, "OFF") for p in portals[1:]]]
    assert dev.get(f"{base}/portals").json() == {"portalFlagStates": everyone}
    paged = dev.get(f"{base}/portals", params={"limit": 1, "startPortalId": portals[1]})
    assert paged.json() == {"portalFlagStates": [state(portals[1], "OFF")]}
    removed = dev.post(f"{base}/portals/batch/delete", json={"portalIds": portals[1:]})
    assert removed.json() == {"portalFlagStates": [state(p, "ABSENT") for p in portals[1:]]}
    assert dev.delete(f"{base}/portals/{portals[0]}").json() == state(portals[0], "ABSENT")
    assert_error(dev.get(f"{base}/portals/{portals[0]}"), 404, "OBJECT_NOT_FOUND")
    assert dev.get(f"{base}/portals").json() == {"portalFlagStates": []}


def test_deleting_a_flag_drops_its_account_states(dev, app, new_portal):
    portal_id, _ = new_portal()
    base = f"/feature-flags/v3/{app['appId']}/flags/{FLAG}"
    dev.put(base, json={"defaultState": "OFF"})
    dev.put(f"{base}/portals/{portal_id}", json={"flagState": "ON"})
    dev.delete(base)
    dev.put(base, json={"defaultState": "ON"})
    assert dev.get(f"{base}/portals").json() == {"portalFlagStates": []}


def test_bad_flag_calls_are_4xx_and_write_nothing(dev, app, new_portal):
    portal_id, _ = new_portal()
    base = f"/feature-flags/v3/{app['appId']}/flags"
    answer = assert_error(dev.put(f"{base}/my-flag", json={"defaultState": "ON"}), 400, "VALIDATION_ERROR")
    assert answer["message"].startswith("flagName: must be one of hs-hide-crm-cards")
    assert_error(dev.put(f"{base}/{FLAG}", json={"defaultState": "MAYBE"}), 400, "VALIDATION_ERROR")
    assert_error(dev.put(f"{base}/{FLAG}", json={}), 400, "VALIDATION_ERROR")
    # Account states need the flag, and an account that exists.
    assert_error(dev.put(f"{base}/{FLAG}/portals/{portal_id}", json={"flagState": "ON"}), 404, "OBJECT_NOT_FOUND")
    dev.put(f"{base}/{FLAG}", json={"defaultState": "OFF"})
    batch = {"portalStates": [{"portalId": portal_id, "flagState": "ON"}, {"portalId": 999_999_999, "flagState": "ON"}]}
    assert_error(dev.post(f"{base}/{FLAG}/portals/batch/upsert", json=batch), 404, "OBJECT_NOT_FOUND")
    assert_error(dev.post(f"{base}/{FLAG}/portals/batch/upsert", json={"portalStates": []}), 400, "VALIDATION_ERROR")
    assert_error(dev.get(f"{base}/{FLAG}/portals", params={"limit": "0"}), 400, "VALIDATION_ERROR")
    assert_error(dev.get(f"{base}/{FLAG}/portals/abc"), 400, "VALIDATION_ERROR")
    assert dev.get(f"{base}/{FLAG}/portals").json() == {"portalFlagStates": []}
    assert dev.get(f"{base}/all").json() == {"flagsForApp": [FLAG]}


def test_flags_are_the_apps_own(base_url, admin, dev, app):
    dev.put(f"/feature-flags/v3/{app['appId']}/flags/{FLAG}", json={"defaultState": "ON"})
    other = create_app(admin)
    key = {"hapikey": other["developerApiKey"]}
    theirs = httpx.get(f"{base_url}/feature-flags/v3/{other['appId']}/flags/{FLAG}", params=key)
    assert_error(theirs, 404, "OBJECT_NOT_FOUND")
    mine_with_their_key = httpx.get(f"{base_url}/feature-flags/v3/{app['appId']}/flags/{FLAG}", params=key)
    assert_error(mine_with_their_key, 401, "INVALID_AUTHENTICATION")
