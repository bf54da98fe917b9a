"""The inspector in a real headless Chromium: the portal list, filtering records, a record and one of its
associations, a request appearing live in the journal, and a fault toggled on the page failing the next
request. With LOCALSPOT_SCREENSHOTS=docs/screenshots the tests save the README's screenshots."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.inspector import browser
from tests.inspector.conftest import UI
from tests.support.server import LocalspotServer, storage_or_skip

TOKEN = "browser-demo-token"
PEOPLE = [
    ("Ada", "Lovelace", "Analytical Engines"),
    ("Grace", "Hopper", "Compilers Inc"),
    ("Alan", "Turing", "Bletchley Park"),
    ("Katherine", "Johnson", "Langley Research"),
    ("Edsger", "Dijkstra", "Structured Ltd"),
    ("Barbara", "Liskov", "Substitution Co"),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalspotServer, httpx.Client]]:
    """A server of these tests' own with a small CRM: contacts, their companies (primary), a <script> name."""
    browser.require_browser()
    storage = storage_or_skip(tmp_path_factory.mktemp("browser-db"))
    running = LocalspotServer(storage, TOKEN).start()
    api = httpx.Client(base_url=running.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    for first, last, company in PEOPLE:
        contact = api.post(
            "/crm/v3/objects/contacts",
            json={"properties": {"firstname": first, "lastname": last, "email": f"{first.lower()}@example.com"}},
        ).json()["id"]
        company_id = api.post("/crm/v3/objects/companies", json={"properties": {"name": company}}).json()["id"]
        api.put(
            f"/crm/v4/objects/contacts/{contact}/associations/companies/{company_id}",
            json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}],
        )
    api.post(
        "/crm/v3/objects/contacts",
        json={"properties": {"firstname": "<script>alert(1)</script>", "lastname": "<b>Tables</b>"}},
    )
    api.patch("/crm/v3/objects/contacts/1", json={"properties": {"lifecyclestage": "customer"}})
    admin = httpx.Client(base_url=running.url + "/_localspot", timeout=30)
    admin.post("/portals", json={"portalId": 2, "name": "Staging"})
    admin.post("/portals/1/snapshots", json={"name": "before-import"})
    yield running, api
    api.close()
    admin.close()
    running.stop()
    storage.drop()


@pytest.fixture(scope="module")
def driver(demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    yield from browser.chromium(tmp_path_factory.mktemp("chromium-profile"))


def _wait(condition: Callable[[], object], timeout: float = 10.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = condition()
        except Exception:  # an element not there yet, or replaced
            found = None
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("the page did not get there in time")


def _css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def _all(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def _no_script_ran(driver) -> None:
    assert driver.execute_script("return window.__xss === undefined")
    assert not any("alert" in str(entry) for entry in driver.get_log("browser"))


def test_the_portal_list_shows_each_portal_with_its_counts(demo, driver):
    server, _ = demo
    driver.get(server.url + UI + "/")
    assert "Portals" in driver.title
    counts = _css(driver, "#portal-1 table.counts").text
    assert "contacts 7" in counts and "companies 6" in counts
    assert "Staging" in _css(driver, "#portal-2").text
    assert "before-import" in _css(driver, "#portal-1").text
    browser.screenshot(driver, "portals")


def test_filtering_records_runs_search_and_shows_escaped_values(demo, driver):
    from selenium.webdriver.common.keys import Keys

    server, _ = demo
    driver.get(server.url + UI + "/portals/1/objects/contacts")
    assert len(_all(driver, "#records tbody tr")) == 7
    assert "<script>alert(1)</script>" in _css(driver, "#records").text  # shown as text, never run
    _no_script_ran(driver)
    box = _css(driver, "#q")
    box.send_keys("hopper", Keys.ENTER)
    _wait(lambda: "1 matching" in _css(driver, "#summary").text)
    assert "grace@example.com" in _css(driver, "#records").text
    box = _css(driver, "#q")
    box.clear()
    box.send_keys("firstname>B", Keys.ENTER)
    _wait(lambda: "matching" in _css(driver, "#summary").text and "hopper" not in driver.current_url)
    browser.screenshot(driver, "records")
    driver.get(server.url + UI + "/portals/1/objects/contacts?sort=firstname&dir=desc")
    first_cells = [row.text.split()[1] for row in _all(driver, "#records tbody tr")[:2]]
    assert first_cells == ["Katherine", "Grace"]


def test_a_record_shows_its_history_and_links_to_its_associations(demo, driver):
    server, _ = demo
    driver.get(server.url + UI + "/portals/1/objects/contacts")
    _css(driver, "#records tbody tr:first-child td a").click()
    _wait(lambda: "contact 1" in driver.title)
    assert "customer" in _css(driver, "#property-lifecyclestage").text
    assert "Ada" in _css(driver, "#property-firstname").text
    assert "Primary" in _css(driver, ".assoc").text
    browser.screenshot(driver, "record")
    _css(driver, ".assoc-link").click()
    _wait(lambda: "company" in driver.title)
    assert "Analytical Engines" in _css(driver, "#property-name").text
    assert "contacts" in _css(driver, ".assoc").text


def test_a_request_appears_in_the_journal_live(demo, driver):
    server, api = demo
    for index in range(30):  # enough to scroll
        api.get(f"/crm/v3/objects/contacts/{index + 1}")
    driver.get(server.url + UI + "/requests")
    _wait(lambda: _css(driver, "#live-state").get_attribute("data-state") == "live")
    bar_height = _css(driver, ".live-bar").size["height"]
    api.post("/crm/v3/objects/contacts", json={"properties": {"email": "live@example.com"}})
    newest = _wait(lambda: next(e for e in _all(driver, "#journal .exchange") if "POST" in e.text))
    assert _all(driver, "#journal .exchange")[0] == newest
    newest.find_element("css selector", "summary").click()
    assert "live@example.com" in newest.text and "201" in newest.text
    browser.screenshot(driver, "requests")
    # Scrolled down, what the reader looks at stays where it is while new requests arrive.
    driver.execute_script("window.scrollTo(0, 600)")
    watched = _all(driver, "#journal .exchange")[12]
    before = watched.rect["y"] - driver.execute_script("return window.scrollY")
    count = len(_all(driver, "#journal .exchange"))
    api.get("/crm/v3/objects/contacts/999999999")
    _wait(lambda: len(_all(driver, "#journal .exchange")) == count + 1)
    after = watched.rect["y"] - driver.execute_script("return window.scrollY")
    assert abs(after - before) < 1
    assert _css(driver, ".live-bar").size["height"] == bar_height


def test_a_fault_toggled_on_the_page_fails_the_next_request(demo, driver):
    from selenium.webdriver.support.select import Select

    server, api = demo
    driver.get(server.url + UI + "/controls")
    path = _css(driver, "#fault-path")
    path.clear()
    path.send_keys("/crm/v3/objects/deals*")
    Select(_css(driver, "#fault-method")).select_by_value("GET")
    _css(driver, "#fault-add").click()
    _wait(lambda: "Fault" in _css(driver, "#notice").text)
    assert "/crm/v3/objects/deals*" in _css(driver, "#fault-table").text
    failed = api.get("/crm/v3/objects/deals")
    assert failed.status_code == 503
    browser.screenshot(driver, "controls")
    _css(driver, "#fault-table button").click()
    _wait(lambda: "removed" in _css(driver, "#notice").text)
    assert api.get("/crm/v3/objects/deals").status_code == 200


def test_the_pages_are_usable_by_keyboard(demo, driver):
    from selenium.webdriver.common.keys import Keys

    server, _ = demo
    driver.get(server.url + UI + "/portals/1/objects/contacts")
    body = _css(driver, "body")
    body.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.text == "Skip to content"
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    _wait(lambda: driver.switch_to.active_element.get_attribute("id") == "main")
    for _ in range(40):  # Tab on to the first record's link, then open it with Enter
        driver.switch_to.active_element.send_keys(Keys.TAB)
        if "/objects/contacts/" in (driver.switch_to.active_element.get_attribute("href") or ""):
            break
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    _wait(lambda: "contact 1" in driver.title)


def test_the_pages_fit_a_narrow_window(demo, driver):
    server, _ = demo
    browser.viewport(driver, 400, 800)
    try:
        for page in ("/", "/portals/1/objects/contacts/1", "/requests", "/controls"):
            driver.get(server.url + UI + page)
            overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, page
        driver.get(server.url + UI + "/portals/1/objects/contacts")
        browser.screenshot(driver, "records-narrow")
    finally:
        browser.viewport(driver, 1280, 800)


def test_webhook_deliveries_show_on_their_page_and_on_the_record(demo, driver):
    from tests.apps.test_webhook_deliveries import subscribe
    from tests.support.receiver import Receiver

    server, api = demo
    with Receiver() as receiver, httpx.Client(base_url=f"{server.url}/_localspot", timeout=30) as admin:
        app = subscribe(server, admin, receiver.url, {"eventType": "contact.creation"})
        try:
            made = api.post(
                "/crm/v3/objects/contacts", json={"properties": {"firstname": "Hedy", "lastname": "Lamarr"}}
            )
            receiver.wait_for(lambda got: len(got) >= 1)
            driver.get(f"{server.url}{UI}/webhooks?appId={app['appId']}")
            _wait(lambda: "delivered" in _css(driver, "#delivery-table").text or driver.refresh())
            assert receiver.url in _css(driver, "#delivery-table").text
            browser.screenshot(driver, "webhooks")
            driver.get(f"{server.url}{UI}/portals/1/objects/contacts/{made.json()['id']}")
            assert "contact.creation" in _css(driver, "#webhook-events").text
        finally:
            admin.delete(f"/apps/{app['appId']}")
