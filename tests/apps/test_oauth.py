"""OAuth 2.0 as HubSpot serves it: apps, the authorize step (consent page or auto-approval), the token
endpoint's grants with HubSpot's flat errors, token metadata, and tokens that work on the CRM API."""

from __future__ import annotations

import html
import uuid
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from tests.conftest import make_client
from tests.support.asserts import assert_error

REDIRECT = "http://localhost:9999/callback"
SCOPES = ["crm.objects.contacts.read", "oauth"]


def create_app(admin: httpx.Client, **overrides) -> dict:
    body = {"name": f"App {uuid.uuid4().hex[:6]}", "redirectUris": [REDIRECT], "scopes": SCOPES, **overrides}
    created = admin.post("/apps", json=body)
    assert created.status_code == 201, created.text
    return created.json()


def authorize_params(app: dict, **overrides) -> dict:
    return {"client_id": app["clientId"], "redirect_uri": REDIRECT, "scope": " ".join(SCOPES), **overrides}


def code_from(location: str) -> dict[str, str]:
    assert location.startswith(REDIRECT + "?"), location
    return {key: values[0] for key, values in parse_qs(urlparse(location).query).items()}


def exchange(base_url: str, app: dict, code: str) -> httpx.Response:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": app["clientId"],
        "client_secret": app["clientSecret"],
    }
    return httpx.post(f"{base_url}/oauth/v1/token", data=form)


def installed(base_url: str, admin: httpx.Client, **app_overrides) -> tuple[dict, dict]:
    app = create_app(admin, autoApprove=True, **app_overrides)
    redirect = httpx.get(f"{base_url}/oauth/authorize", params=authorize_params(app))
    assert redirect.status_code == 302
    tokens = exchange(base_url, app, code_from(redirect.headers["location"])["code"])
    assert tokens.status_code == 200, tokens.text
    return app, tokens.json()


def assert_oauth_error(response: httpx.Response, status: int, code: str, error: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert (body["status"], body["error"]) == (code, error)
    assert body["message"] == body["error_description"]
    return body


def test_apps_are_registered_read_listed_and_deleted(admin):
    app = create_app(admin, optionalScopes=["crm.objects.deals.read"])
    assert set(app) == {
        "appId", "name", "clientId", "clientSecret", "developerApiKey", "redirectUris", "scopes",
        "optionalScopes", "autoApprove", "createdAt",
    }  # fmt: skip
    assert (app["scopes"], app["optionalScopes"], app["autoApprove"]) == (SCOPES, ["crm.objects.deals.read"], False)
    assert admin.get(f"/apps/{app['appId']}").json() == app
    assert app in admin.get("/apps").json()["results"]
    assert admin.delete(f"/apps/{app['appId']}").status_code == 204
    assert_error(admin.get(f"/apps/{app['appId']}"), 404, "OBJECT_NOT_FOUND")


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"name": "", "redirectUris": [REDIRECT]}, "name"),
        ({"name": "x", "redirectUris": []}, "redirectUris"),
        ({"name": "x", "redirectUris": ["javascript:alert(1)"]}, "redirectUris[0]"),
        ({"name": "x", "redirectUris": [REDIRECT], "scopes": ["Bad Scope"]}, "scopes[0]"),
    ],
)
def test_a_malformed_app_is_a_400_naming_the_field(admin, body, path):
    assert assert_error(admin.post("/apps", json=body), 400, "VALIDATION_ERROR")["context"] == {"path": [path]}


def test_the_authorization_code_flow_with_the_official_client(base_url, admin, api):
    from hubspot import HubSpot

    app = create_app(admin, autoApprove=True)
    redirect = httpx.get(f"{base_url}/oauth/authorize", params=authorize_params(app, state="s-1"))
    assert redirect.status_code == 302
    answer = code_from(redirect.headers["location"])
    assert answer["state"] == "s-1"
    client = HubSpot(host=base_url)
    tokens = client.oauth.tokens_api.create(
        grant_type="authorization_code",
        code=answer["code"],
        redirect_uri=REDIRECT,
        client_id=app["clientId"],
        client_secret=app["clientSecret"],
    )
    assert (tokens.token_type, tokens.expires_in) == ("bearer", 1800)
    assert tokens.refresh_token.startswith("na1-")
    info = client.oauth.access_tokens_api.get(tokens.access_token)
    assert (info.hub_id, info.app_id, sorted(info.scopes), info.token_type) == (1, app["appId"], SCOPES, "access")
    assert 0 < info.expires_in <= 1800
    refresh_info = client.oauth.refresh_tokens_api.get(tokens.refresh_token)
    assert (refresh_info.client_id, refresh_info.hub_id) == (app["clientId"], 1)

    # The access token reads the portal's contacts, and only what its scopes allow.
    with make_client(base_url, tokens.access_token) as app_api:
        assert app_api.get("/crm/v3/objects/contacts?limit=1").status_code == 200
        assert_error(app_api.post("/crm/v3/objects/contacts", json={"properties": {}}), 403, "MISSING_SCOPES")

    refreshed = client.oauth.tokens_api.create(
        grant_type="refresh_token",
        refresh_token=tokens.refresh_token,
        client_id=app["clientId"],
        client_secret=app["clientSecret"],
    )
    assert refreshed.access_token != tokens.access_token and refreshed.refresh_token == tokens.refresh_token
    client.oauth.refresh_tokens_api.archive(tokens.refresh_token)
    again = httpx.post(
        f"{base_url}/oauth/v1/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens.refresh_token,
            "client_id": app["clientId"],
            "client_secret": app["clientSecret"],
        },
    )
    assert_oauth_error(again, 400, "BAD_REFRESH_TOKEN", "invalid_grant")
    with make_client(base_url, refreshed.access_token) as app_api:  # issued tokens keep working
        assert app_api.get("/crm/v3/objects/contacts?limit=1").status_code == 200


def test_a_code_is_single_use_and_bound_to_its_app_and_redirect(base_url, admin):
    app = create_app(admin, autoApprove=True)
    other = create_app(admin, autoApprove=True)
    code = code_from(httpx.get(f"{base_url}/oauth/authorize", params=authorize_params(app)).headers["location"])
    wrong_app = exchange(base_url, other, code["code"])
    assert_oauth_error(wrong_app, 400, "BAD_AUTH_CODE", "invalid_grant")
    mismatch = httpx.post(
        f"{base_url}/oauth/v1/token",
        data={
            "grant_type": "authorization_code",
            "code": code["code"],
            "redirect_uri": "http://localhost:9999/other",
            "client_id": app["clientId"],
            "client_secret": app["clientSecret"],
        },
    )
    assert_oauth_error(mismatch, 400, "BAD_REDIRECT_URI", "invalid_grant")
    assert exchange(base_url, app, code["code"]).status_code == 200  # the failed tries used nothing up
    assert_oauth_error(exchange(base_url, app, code["code"]), 400, "BAD_AUTH_CODE", "invalid_grant")


@pytest.mark.parametrize(
    ("change", "status", "code", "error"),
    [
        ({"client_id": "nope"}, 400, "BAD_CLIENT_ID", "invalid_client"),
        ({"client_secret": "nope"}, 400, "BAD_CLIENT_SECRET", "invalid_client"),
        ({"grant_type": "password"}, 400, "BAD_GRANT_TYPE", "unsupported_grant_type"),
        ({"grant_type": "client_credentials"}, 400, "BAD_GRANT_TYPE", "unsupported_grant_type"),  # not on v1
        ({"code": ""}, 400, "BAD_AUTH_CODE", "invalid_grant"),
    ],
)
def test_bad_token_requests_get_hubspots_flat_errors(base_url, admin, change, status, code, error):
    app = create_app(admin)
    form = {
        "grant_type": "authorization_code",
        "code": "unknown",
        "redirect_uri": REDIRECT,
        "client_id": app["clientId"],
        "client_secret": app["clientSecret"],
        **change,
    }
    assert_oauth_error(httpx.post(f"{base_url}/oauth/v1/token", data=form), status, code, error)


def test_the_token_endpoint_refuses_other_media_types_and_huge_bodies(base_url):
    xml = httpx.post(f"{base_url}/oauth/v1/token", content=b"<x/>", headers={"content-type": "text/xml"})
    assert_oauth_error(xml, 415, "BAD_REQUEST", "invalid_request")
    huge = httpx.post(f"{base_url}/oauth/v1/token", data={"code": "x" * 70_000})
    assert_oauth_error(huge, 413, "BAD_REQUEST", "invalid_request")


def test_the_consent_page_approves_or_denies(base_url, admin):
    app = create_app(admin, name="<script>alert('x')</script> & co")
    page = httpx.get(f"{base_url}/oauth/authorize", params=authorize_params(app, state="st"))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co" in page.text
    form = {**authorize_params(app, state="st"), "portal_id": "1"}
    approved = httpx.post(f"{base_url}/oauth/authorize", data={**form, "decision": "approve"})
    assert approved.status_code == 303
    granted = code_from(approved.headers["location"])
    assert granted["state"] == "st" and exchange(base_url, app, granted["code"]).json()["hub_id"] == 1
    denied = httpx.post(f"{base_url}/oauth/authorize", data={**form, "decision": "deny"})
    assert code_from(denied.headers["location"]) == {
        "error": "access_denied",
        "error_description": "The user denied the install.",
        "state": "st",
    }


def test_an_install_can_name_its_portal(base_url, admin, new_portal):
    portal_id, _ = new_portal()
    app = create_app(admin, autoApprove=True)
    redirect = httpx.get(f"{base_url}/oauth/{portal_id}/authorize", params=authorize_params(app))
    assert exchange(base_url, app, code_from(redirect.headers["location"])["code"]).json()["hub_id"] == portal_id


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"client_id": "unknown"}, "An invalid app client_id was provided"),
        ({"redirect_uri": "http://evil.example/cb"}, "doesn't match the app's registered redirect URL"),
        ({"scope": "oauth"}, "missing: crm.objects.contacts.read"),
        ({"scope": "oauth crm.objects.contacts.read crm.objects.deals.write"}, "not declared: crm.objects.deals.write"),
    ],
)
def test_a_bad_install_request_is_shown_on_localspots_page_never_redirected(base_url, admin, params, problem):
    app = create_app(admin, autoApprove=True)
    page = httpx.get(f"{base_url}/oauth/authorize", params=authorize_params(app, **params))
    assert page.status_code == 400 and "location" not in page.headers
    assert problem in html.unescape(page.text)


def test_dated_endpoints_introspect_revoke_and_client_credentials(base_url, admin):
    app, tokens = installed(base_url, admin)
    secrets_ = {"client_id": app["clientId"], "client_secret": app["clientSecret"]}
    for version in ("v3", "2026-03", "2026-09"):
        active = httpx.post(
            f"{base_url}/oauth/{version}/token/introspect", data={"token": tokens["access_token"], **secrets_}
        )
        assert active.status_code == 200
        body = active.json()
        assert (body["active"], body["token_use"], body["token_type"], body["hub_id"]) == (
            True,
            "access_token",
            "Bearer",
            1,
        )
    unknown = httpx.post(f"{base_url}/oauth/2026-03/token/introspect", data={"token": "nope", **secrets_})
    assert unknown.json() == {"active": False}
    refresh = httpx.post(
        f"{base_url}/oauth/2026-03/token/introspect",
        data={"token": tokens["refresh_token"], "token_type_hint": "refresh_token", **secrets_},
    )
    assert (refresh.json()["active"], refresh.json()["token_use"]) == (True, "refresh_token")
    revoked = httpx.post(f"{base_url}/oauth/2026-03/token/revoke", data={"token": tokens["refresh_token"], **secrets_})
    assert revoked.status_code == 200
    after = httpx.post(
        f"{base_url}/oauth/2026-03/token/introspect",
        data={"token": tokens["refresh_token"], "token_type_hint": "refresh_token", **secrets_},
    )
    assert after.json() == {"active": False}
    credentials = httpx.post(
        f"{base_url}/oauth/2026-03/token", data={"grant_type": "client_credentials", "scope": "oauth", **secrets_}
    )
    assert credentials.status_code == 200, credentials.text
    assert (credentials.json()["token_use"], credentials.json()["expires_in"]) == ("client_credentials", 1800)
    undeclared = httpx.post(
        f"{base_url}/oauth/2026-03/token",
        data={"grant_type": "client_credentials", "scope": "crm.objects.deals.write", **secrets_},
    )
    assert_oauth_error(undeclared, 400, "BAD_SCOPES", "invalid_scope")
    # hubspot-sdk sends these bodies as JSON
    as_json = httpx.post(
        f"{base_url}/oauth/2026-03/token/introspect", json={"token": tokens["access_token"], **secrets_}
    )
    assert as_json.json()["active"] is True


def test_unknown_tokens_on_the_metadata_endpoints(base_url):
    assert_oauth_error(httpx.get(f"{base_url}/oauth/v1/access-tokens/nope"), 404, "BAD_ACCESS_TOKEN", "invalid_token")
    assert_oauth_error(httpx.get(f"{base_url}/oauth/v1/refresh-tokens/nope"), 404, "BAD_REFRESH_TOKEN", "invalid_grant")
    assert_oauth_error(
        httpx.delete(f"{base_url}/oauth/v1/refresh-tokens/nope"), 404, "BAD_REFRESH_TOKEN", "invalid_grant"
    )


def test_deleting_the_app_ends_its_installs(base_url, admin):
    app, tokens = installed(base_url, admin)
    assert admin.delete(f"/apps/{app['appId']}").status_code == 204
    with make_client(base_url, tokens["access_token"]) as app_api:
        assert_error(app_api.get("/crm/v3/objects/contacts"), 401, "INVALID_AUTHENTICATION")


def test_access_tokens_expire_on_the_clock_and_the_flag_approves_every_install(fresh_server):
    server = fresh_server("--oauth-auto-approve")
    with httpx.Client(base_url=f"{server.url}/_localspot") as admin:
        app = create_app(admin)  # no autoApprove of its own: the flag does it
        redirect = httpx.get(f"{server.url}/oauth/authorize", params=authorize_params(app))
        assert redirect.status_code == 302
        tokens = exchange(server.url, app, code_from(redirect.headers["location"])["code"]).json()
        with make_client(server.url, tokens["access_token"]) as app_api:
            assert app_api.get("/crm/v3/objects/contacts").status_code == 200
            assert admin.put("/clock", json={"advanceMs": 1_800_000 + 75_000}).status_code == 200
            body = assert_error(app_api.get("/crm/v3/objects/contacts"), 401, "EXPIRED_AUTHENTICATION")
            assert body["message"] == "The OAuth token used to make this call expired 1 minute(s) ago."
            assert list(body["context"]) == ["expire time"]
        refreshed = httpx.post(
            f"{server.url}/oauth/v1/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": tokens["refresh_token"],
                "client_id": app["clientId"],
                "client_secret": app["clientSecret"],
            },
        ).json()
        with make_client(server.url, refreshed["access_token"]) as app_api:
            assert app_api.get("/crm/v3/objects/contacts").status_code == 200


def test_installs_tokens_and_app_deletion_hold_across_workers(fresh_server):
    server = fresh_server("--workers", "2")
    with httpx.Client(base_url=f"{server.url}/_localspot") as admin:
        app, tokens = installed(server.url, admin)
        for _ in range(6):  # a new connection each time: both workers answer
            with make_client(server.url, tokens["access_token"]) as app_api:
                assert app_api.get("/crm/v3/objects/contacts?limit=1").status_code == 200
        assert admin.delete(f"/apps/{app['appId']}").status_code == 204
        for _ in range(6):
            with make_client(server.url, tokens["access_token"]) as app_api:
                assert_error(app_api.get("/crm/v3/objects/contacts"), 401, "INVALID_AUTHENTICATION")
