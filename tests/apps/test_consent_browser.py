"""The OAuth consent page in a real headless Chromium: pick the portal, approve, land on the app's redirect
with a code and the state, and exchange the code for tokens of that portal; cancelling lands with HubSpot's
access_denied."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from tests.apps.test_oauth import SCOPES
from tests.inspector import browser


@pytest.fixture
def driver(tmp_path) -> Iterator[object]:
    browser.require_browser()
    yield from browser.chromium(tmp_path / "profile")


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlparse(url).query).items()}


def test_a_person_picks_a_portal_approves_and_the_app_gets_its_code(driver, base_url, admin, new_portal):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    portal_id, _ = new_portal()
    redirect = f"{base_url}/oauth-callback"
    app = admin.post("/apps", json={"name": "Browser app", "redirectUris": [redirect], "scopes": SCOPES}).json()
    params = {"client_id": app["clientId"], "redirect_uri": redirect, "scope": " ".join(SCOPES), "state": "s-1"}
    driver.get(f"{base_url}/oauth/authorize?{urlencode(params)}")
    assert "Browser app" in driver.find_element(By.TAG_NAME, "body").text
    Select(driver.find_element(By.ID, "portal_id")).select_by_value(str(portal_id))
    driver.find_element(By.ID, "approve").click()
    WebDriverWait(driver, 10).until(lambda d: d.current_url.startswith(redirect))
    landed = _query(driver.current_url)
    assert landed["state"] == "s-1"
    tokens = exchange_at(base_url, app, landed["code"], redirect)
    assert tokens["hub_id"] == portal_id and tokens["token_type"] == "bearer"


def test_cancel_lands_with_access_denied(driver, base_url, admin):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    redirect = f"{base_url}/oauth-callback"
    app = admin.post("/apps", json={"name": "Declined app", "redirectUris": [redirect], "scopes": SCOPES}).json()
    params = {"client_id": app["clientId"], "redirect_uri": redirect, "scope": " ".join(SCOPES), "state": "s-2"}
    driver.get(f"{base_url}/oauth/authorize?{urlencode(params)}")
    driver.find_element(By.ID, "deny").click()
    WebDriverWait(driver, 10).until(lambda d: d.current_url.startswith(redirect))
    assert _query(driver.current_url) == {
        "error": "access_denied",
        "error_description": "The user denied the install.",
        "state": "s-2",
    }


def exchange_at(base_url: str, app: dict, code: str, redirect: str) -> dict:
    import httpx

    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect,
        "client_id": app["clientId"],
        "client_secret": app["clientSecret"],
    }
    answer = httpx.post(f"{base_url}/oauth/v1/token", data=form)
    assert answer.status_code == 200, answer.text
    return answer.json()
