"""Apps of the webhooks journal's tests: installed in portals, with a client-credentials token carrying the
journal's scopes (the docs' names), an SDK client (`hubspot-sdk`) and an httpx client on that token."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from hubspot_sdk import HubSpot

from tests.apps.test_oauth import REDIRECT, code_from, create_app

JOURNAL_SCOPES = [
    "developer.webhooks_journal.read",
    "developer.webhooks_journal.subscriptions.read",
    "developer.webhooks_journal.subscriptions.write",
    "developer.webhooks_journal.snapshots.read",
    "developer.webhooks_journal.snapshots.write",
]
INSTALL_SCOPES = ["oauth", "crm.objects.contacts.read", "crm.objects.companies.read"]
INSTALL = "4-1909196"
UNINSTALL = "4-1916193"


@dataclass
class JournalApp:
    base_url: str
    app: dict
    journal_token: str
    # portal id -> the install's OAuth tokens there
    installs: dict[int, dict] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.app["appId"]

    def sdk(self) -> HubSpot:
        return HubSpot(access_token=self.journal_token, base_url=self.base_url, max_retries=0)

    def http(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token or self.journal_token}"}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    def install(self, portal_id: int) -> dict:
        params = {"client_id": self.app["clientId"], "redirect_uri": REDIRECT, "scope": " ".join(INSTALL_SCOPES)}
        redirect = httpx.get(f"{self.base_url}/oauth/{portal_id}/authorize", params=params)
        assert redirect.status_code == 302, redirect.text
        form = {
            "grant_type": "authorization_code",
            "code": code_from(redirect.headers["location"])["code"],
            "redirect_uri": REDIRECT,
            "client_id": self.app["clientId"],
            "client_secret": self.app["clientSecret"],
        }
        tokens = httpx.post(f"{self.base_url}/oauth/v1/token", data=form)
        assert tokens.status_code == 200, tokens.text
        self.installs[portal_id] = tokens.json()
        return self.installs[portal_id]

    def new_token(self, scopes: list[str] | None = None) -> str:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.app["clientId"],
            "client_secret": self.app["clientSecret"],
            "scope": " ".join(JOURNAL_SCOPES if scopes is None else scopes),
        }
        answer = httpx.post(f"{self.base_url}/oauth/2026-03/token", data=form)
        assert answer.status_code == 200, answer.text
        return answer.json()["access_token"]


def journal_app(base_url: str, admin: httpx.Client, *portal_ids: int) -> JournalApp:
    """A new app declaring the journal's scopes, installed in each portal."""
    app = create_app(admin, autoApprove=True, scopes=INSTALL_SCOPES, optionalScopes=JOURNAL_SCOPES)
    made = JournalApp(base_url, app, "")
    made.journal_token = made.new_token()
    for portal_id in portal_ids:
        made.install(portal_id)
    return made


def object_subscription(portal_id: int, **overrides) -> dict:
    return {
        "subscriptionType": "OBJECT",
        "portalId": portal_id,
        "objectTypeId": "0-1",
        "actions": ["CREATE", "UPDATE", "DELETE", "MERGE", "RESTORE"],
        "objectIds": [],
        "properties": [],
        **overrides,
    }


def entries(client: httpx.Client, path: str) -> list[dict]:
    """Every retained entry of a journal (`journal` or `journal-local?installPortalId=N`), oldest first, each
    file fetched through its link without credentials."""
    family, _, query = path.partition("?")
    answer = client.get(f"/webhooks-journal/{family}/2026-03/batch/earliest/100{'?' + query if query else ''}")
    assert answer.status_code == 200, answer.text
    return [files(ref) for ref in answer.json()["results"]]


def files(ref: dict) -> dict:
    fetched = httpx.get(ref["url"])
    assert fetched.status_code == 200, fetched.text
    body = fetched.json()
    assert body["offset"] == ref["currentOffset"]
    return body


def events(client: httpx.Client, path: str) -> list[dict]:
    return [event for entry in entries(client, path) for event in entry["journalEvents"]]
