"""OAuth through HubSpot's official Node client (@hubspot/api-client 13.5.0): the code exchanged with
`oauth.tokensApi.create`, the refresh grant, the access and refresh token metadata, and a refresh token
revoked, then refused."""

from __future__ import annotations

import json

import httpx

from tests.apps.test_oauth import REDIRECT, SCOPES, authorize_params, code_from, create_app
from tests.clients.node import run_node


def test_the_node_client_exchanges_refreshes_reads_and_revokes(node_dir, base_url, admin):
    app = create_app(admin, autoApprove=True)
    redirect = httpx.get(f"{base_url}/oauth/authorize", params=authorize_params(app))
    code = code_from(redirect.headers["location"])["code"]
    args = json.dumps({"code": code, "redirect": REDIRECT, "id": app["clientId"], "secret": app["clientSecret"]})
    out = run_node(
        base_url,
        "unused",
        f"""
        const a = {args}
        const oauth = client.oauth
        const first = await oauth.tokensApi.create("authorization_code", a.code, a.redirect, a.id, a.secret)
        const refreshed = await oauth.tokensApi.create(
            "refresh_token", undefined, a.redirect, a.id, a.secret, first.refreshToken)
        const info = await oauth.accessTokensApi.get(refreshed.accessToken)
        const refreshInfo = await oauth.refreshTokensApi.get(first.refreshToken)
        await oauth.refreshTokensApi.archive(first.refreshToken)
        let refused = null
        try {{
            await oauth.tokensApi.create("refresh_token", undefined, a.redirect, a.id, a.secret, first.refreshToken)
        }} catch (e) {{ refused = {{code: e.code, body: e.body}} }}
        return {{first, refreshed, info, refreshInfo, refused}}
        """,
    )
    assert out["ok"] is True, out
    result = out["result"]
    first, refreshed = result["first"], result["refreshed"]
    assert (first["tokenType"], first["expiresIn"]) == ("bearer", 1800)
    assert refreshed["accessToken"] != first["accessToken"] and refreshed["refreshToken"] == first["refreshToken"]
    info = result["info"]
    assert (info["hubId"], info["appId"], info["tokenType"]) == (1, app["appId"], "access")
    assert sorted(info["scopes"]) == sorted(SCOPES) and 0 < info["expiresIn"] <= 1800
    assert (result["refreshInfo"]["hubId"], result["refreshInfo"]["clientId"]) == (1, app["clientId"])
    refused = result["refused"]
    assert refused["code"] == 400
    body = refused["body"] if isinstance(refused["body"], dict) else json.loads(refused["body"])
    assert body["status"] == "BAD_REFRESH_TOKEN"
