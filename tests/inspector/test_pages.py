"""The inspector's pages over HTTP: each answers 200 with the portal's data, escapes every value, and refuses
unknown portals, types and records with a page of its own."""

from __future__ import annotations

import httpx

from tests.inspector.conftest import HOSTILE, assert_escaped
from tests.support.factories import batch_create

CONTACTS = "/crm/v3/objects/contacts"


def _contact(client: httpx.Client, **properties: str) -> str:
    made = client.post(CONTACTS, json={"properties": properties})
    assert made.status_code == 201, made.text
    return made.json()["id"]


def test_every_page_carries_a_strict_content_security_policy(ui):
    answer = ui.get("/")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy and "unsafe-inline" not in policy
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_the_portal_list_shows_record_counts_per_type_with_names_escaped(ui, new_portal):
    portal_id, client = new_portal(name=HOSTILE)
    _contact(client, email="count@example.com")
    html = ui.get("/").text
    assert f'id="portal-{portal_id}"' in html
    assert f'href="/_localspot/ui/portals/{portal_id}/objects/contacts">contacts</a></td><td class="num">1<' in html
    assert_escaped(html)


def test_records_of_a_type_show_the_chosen_columns_with_values_escaped(ui, new_portal):
    portal_id, client = new_portal()
    record_id = _contact(client, email="esc@example.com", firstname=HOSTILE, lastname="Plain")
    answer = ui.get(f"/portals/{portal_id}/objects/contacts", params=[("col", "firstname"), ("col", "email")])
    assert answer.status_code == 200
    html = answer.text
    assert f'href="/_localspot/ui/portals/{portal_id}/objects/contacts/{record_id}"' in html
    assert ">firstname</a>" in html and ">email</a>" in html and ">lastname</a>" not in html
    assert_escaped(html)


def test_the_filter_box_runs_search_with_query_text_and_property_filters(ui, new_portal):
    portal_id, client = new_portal()
    _contact(client, email="ada@example.com", firstname="Ada", lastname="Lovelace")
    _contact(client, email="grace@example.com", firstname="Grace", lastname="Hopper")
    url = f"/portals/{portal_id}/objects/contacts"
    assert "1 matching" in (found := ui.get(url, params={"q": "hopper"}).text)
    assert "grace@example.com" in found and "ada@example.com" not in found
    by_property = ui.get(url, params={"q": "firstname=Ada"}).text
    assert "1 matching" in by_property and "ada@example.com" in by_property
    both = ui.get(url, params={"q": "email=* lastname!=Hopper"}).text
    assert "1 matching" in both and "ada@example.com" in both
    assert "0 matching" in ui.get(url, params={"q": "nobody-at-all"}).text


def test_sorting_by_a_column_orders_the_page(ui, new_portal):
    portal_id, client = new_portal()
    for name in ("b", "c", "a"):
        _contact(client, email=f"{name}@sort.example.com")
    url = f"/portals/{portal_id}/objects/contacts"
    ascending = ui.get(url, params={"sort": "email"}).text
    descending = ui.get(url, params={"sort": "email", "dir": "desc"}).text
    positions = [ascending.index(f"{n}@sort") for n in "abc"]
    assert positions == sorted(positions) and 'aria-sort="ascending"' in ascending
    positions = [descending.index(f"{n}@sort") for n in "cba"]
    assert positions == sorted(positions) and 'aria-sort="descending"' in descending


def test_pages_of_a_hundred_follow_the_cursor_listed_and_searched(ui, new_portal):
    portal_id, client = new_portal()
    batch_create(client, "contacts", [{"properties": {"email": f"p{i:03}@page.example.com"}} for i in range(100)])
    batch_create(client, "contacts", [{"properties": {"email": f"p{i:03}@page.example.com"}} for i in range(100, 130)])
    url = f"/portals/{portal_id}/objects/contacts"
    for params in ({}, {"q": "page.example.com"}):
        first = ui.get(url, params={**params, "col": "email"}).text
        assert first.count("@page.example.com</td>") == 100 and 'id="next-page"' in first
        after = first.split('id="next-page" href="')[1].split('"')[0].replace("&amp;", "&")
        second = ui.get(after.removeprefix("/_localspot/ui")).text
        assert second.count("@page.example.com</td>") == 30 and 'id="next-page"' not in second
        assert "p129@page" in second and "p000@page" not in second


def test_a_record_shows_every_property_with_its_history_and_its_associations(ui, new_portal):
    portal_id, client = new_portal()
    record_id = _contact(client, email="hist@example.com", firstname="First")
    assert client.patch(f"{CONTACTS}/{record_id}", json={"properties": {"firstname": HOSTILE}}).status_code == 200
    company = client.post("/crm/v3/objects/companies", json={"properties": {"name": "Acme"}}).json()["id"]
    linked = client.put(f"/crm/v4/objects/contacts/{record_id}/associations/default/companies/{company}")
    assert linked.status_code == 200, linked.text
    html = ui.get(f"/portals/{portal_id}/objects/contacts/{record_id}").text
    assert 'id="property-firstname"' in html and "First</span>" in html and "hist@example.com" in html
    history = html.split('id="property-firstname"')[1].split("</tr>")[0]
    assert history.index("&lt;script&gt;") < history.index("First</span>")  # newest first
    assert f'href="/_localspot/ui/portals/{portal_id}/objects/companies/{company}">{company}</a>' in html
    assert "<h3>companies</h3>" in html and "(unlabeled)" in html
    assert_escaped(html)
    back = ui.get(f"/portals/{portal_id}/objects/companies/{company}").text
    assert f'href="/_localspot/ui/portals/{portal_id}/objects/contacts/{record_id}">{record_id}</a>' in back


def test_unknown_portals_types_and_records_answer_a_page_of_their_own(ui, new_portal):
    portal_id, _ = new_portal()
    for path, status in (
        ("/portals/999999999999999/objects/contacts", 404),
        ("/portals/not-a-number/objects/contacts", 404),
        (f"/portals/{portal_id}/objects/{HOSTILE}", 400),
        (f"/portals/{portal_id}/objects/contacts/999999999", 404),
    ):
        answer = ui.get(path)
        assert answer.status_code == status, path
        assert answer.headers["content-type"].startswith("text/html") and 'class="problem"' in answer.text
        assert "<script>alert(" not in answer.text


def test_the_requests_page_lists_exchanges_newest_first_with_bodies_and_correlation_id(ui, new_portal):
    portal_id, client = new_portal()
    _contact(client, email="journal-ui@example.com", firstname=HOSTILE)
    missing = client.get(CONTACTS + "/999999999")
    html = ui.get("/requests", params={"portalId": portal_id}).text
    assert html.index("/999999999") < html.index("journal-ui@example.com")
    assert missing.json()["correlationId"] in html
    assert "authorization: (redacted)" in html
    assert "&#34;email&#34;: &#34;journal-ui@example.com&#34;" in html  # formatted JSON, escaped
    assert_escaped(html)


def test_the_requests_page_filters_by_method_path_status_and_portal(ui, new_portal):
    portal_id, client = new_portal()
    _contact(client, email="filters@example.com")
    client.get(CONTACTS + "/999999999")
    client.get("/crm/v3/objects/deals")
    page = lambda **f: ui.get("/requests", params={"portalId": portal_id, **f}).text.count('class="exchange')  # noqa: E731
    assert page() == 3
    assert page(method="post") == 1
    assert page(status="404") == 1
    assert page(path="/crm/v3/objects/deals") == 1
    assert page(path="*/999999999") == 1
    other, _ = new_portal()
    assert ui.get("/requests", params={"portalId": other}).text.count('class="exchange') == 0


def test_a_path_holding_html_is_escaped_in_the_journal(ui, new_portal, unique):
    _, client = new_portal()
    path = f"/crm/v3/objects/contacts/<script>alert('{unique}')</script>"
    assert client.get(path).status_code == 404
    html = ui.get("/requests", params={"path": path}).text
    assert f"&lt;script&gt;alert(&#39;{unique}&#39;)&lt;/script&gt;" in html and "<script>alert(" not in html


def test_the_stream_sends_new_exchanges_as_server_sent_events(ui, new_portal):
    portal_id, client = new_portal()
    with ui.stream("GET", "/requests/stream", params={"portalId": portal_id}) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        assert next(lines) == "retry: 500"
        _, other_client = new_portal()
        other_client.get(CONTACTS)  # another portal's: filtered out
        client.get(CONTACTS + "/999999999")
        event: list[str] = []
        for line in lines:
            if line == "" and event:
                break
            if line and not line.startswith(":"):
                event.append(line)
    assert event[0].startswith("id: ") and event[1] == "event: exchange"
    html = "\n".join(line.removeprefix("data: ") for line in event[2:])
    assert "/999999999" in html and f"portal {portal_id}" in html and 'class="exchange failed"' in html


def test_the_stream_resumes_after_the_last_event_id(ui, new_portal):
    portal_id, client = new_portal()
    client.get(CONTACTS + "/1")
    client.get(CONTACTS + "/2")
    html = ui.get("/requests", params={"portalId": portal_id}).text
    first_id = html.split('data-id="')[-1].split('"')[0]
    with ui.stream(
        "GET", "/requests/stream", params={"portalId": portal_id}, headers={"Last-Event-ID": first_id}
    ) as stream:
        for line in stream.iter_lines():
            if line.startswith("data: ") and "/crm/v3/objects/contacts/" in line:
                assert "contacts/2<" in line
                break


def test_the_static_files_are_served(ui):
    css = ui.get("/static/inspector.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    script = ui.get("/static/inspector.js")
    assert script.status_code == 200 and "EventSource" in script.text


def test_every_page_says_how_long_it_took_in_the_server(ui):
    timing = ui.get("/requests").headers["server-timing"]
    assert timing.startswith("render;dur=") and float(timing.partition("dur=")[2]) >= 0


def test_the_type_picker_opens_the_chosen_types_records(ui, new_portal):
    portal_id, _ = new_portal()
    answer = ui.get(f"/portals/{portal_id}/objects", params={"type": "line_items"})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/_localspot/ui/portals/{portal_id}/objects/line_items"
    assert ui.get(answer.headers["location"].removeprefix("/_localspot/ui")).status_code == 200
