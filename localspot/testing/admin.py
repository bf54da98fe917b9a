"""A small client of the admin API (`/_localspot/...`) over HTTP, and a handle on one portal.

It works the same against a server in this process and an external one (a container, `localspot serve`):
every call is an HTTP request, and an answer that is not 2xx raises `AdminError` with HubSpot's error body.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

try:
    import httpx
except ImportError as exc:  # httpx comes with the extra: pip install 'localspot[testing]'
    raise ImportError("localspot.testing needs httpx: pip install 'localspot[testing]'") from exc

ADMIN_PREFIX = "/_localspot"


class AdminError(Exception):
    """An admin call answered with an error status; `body` is the error envelope."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.body = body
        message = body.get("message") if isinstance(body, dict) else body
        super().__init__(f"{method} {path} answered {status}: {message}")


class AdminClient:
    """`/_localspot/...` over HTTP; `admin_token` when the server was started with `--admin-token`."""

    def __init__(self, url: str, admin_token: str | None = None, *, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        headers = {"Authorization": f"Bearer {admin_token}"} if admin_token else {}
        self.http = httpx.Client(base_url=self.url + ADMIN_PREFIX, headers=headers, timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> AdminClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the generic call ----------------------------------------------------------------------------

    def request(self, method: str, path: str, *, json_body: Any = None, **options: Any) -> httpx.Response:
        """Any admin call, unchecked: `path` is below `/_localspot` (`/portals`, `/clock`...)."""
        if json_body is not None:
            options["content"] = json.dumps(json_body)
            options["headers"] = {"Content-Type": "application/json", **options.get("headers", {})}
        return self.http.request(method, path, **options)

    def call(self, method: str, path: str, json_body: Any = None, **options: Any) -> Any:
        """An admin call whose answer must be 2xx: its JSON body (None for 204), else `AdminError`."""
        response = self.request(method, path, json_body=json_body, **options)
        if response.status_code >= 400:
            try:
                body: Any = response.json()
            except ValueError:
                body = response.text
            raise AdminError(method, path, response.status_code, body)
        return response.json() if response.content else None

    # --- portals and tokens --------------------------------------------------------------------------

    def create_portal(
        self, portal_id: int | None = None, *, name: str | None = None, scopes: list[str] | None = None
    ) -> dict[str, Any]:
        body = {
            key: value
            for key, value in (("portalId", portal_id), ("name", name), ("scopes", scopes))
            if value is not None
        }
        return self.call("POST", "/portals", body)

    def portals(self) -> list[dict[str, Any]]:
        return self.call("GET", "/portals")["results"]

    def portal(self, portal_id: int) -> dict[str, Any]:
        return self.call("GET", f"/portals/{portal_id}")

    def delete_portal(self, portal_id: int) -> None:
        self.call("DELETE", f"/portals/{portal_id}")

    def reset_portal(self, portal_id: int) -> None:
        self.call("POST", f"/portals/{portal_id}/reset")

    def create_token(self, portal_id: int, scopes: list[str] | None = None) -> str:
        return self.call("POST", f"/portals/{portal_id}/tokens", {"scopes": scopes} if scopes else None)["token"]

    def revoke_token(self, token: str) -> None:
        self.call("DELETE", f"/tokens/{token}")

    def create_owner(self, portal_id: int, email: str, **names: str) -> dict[str, Any]:
        return self.call("POST", f"/portals/{portal_id}/owners", {"email": email, **names})

    # --- data ----------------------------------------------------------------------------------------

    def seed(self, portal_id: int, document: dict[str, Any] | str | Path) -> dict[str, Any]:
        """Records from a seed document (a dict, or the path of a JSON file)."""
        if not isinstance(document, dict):
            document = json.loads(Path(document).read_text())
        return self.call("POST", f"/portals/{portal_id}/seed", document)

    def snapshot(self, portal_id: int, name: str) -> dict[str, Any]:
        return self.call("POST", f"/portals/{portal_id}/snapshots", {"name": name})

    def snapshots(self, portal_id: int) -> list[dict[str, Any]]:
        return self.call("GET", f"/portals/{portal_id}/snapshots")["results"]

    def restore(self, portal_id: int, name: str) -> None:
        self.call("POST", f"/portals/{portal_id}/snapshots/{name}/restore")

    def delete_snapshot(self, portal_id: int, name: str) -> None:
        self.call("DELETE", f"/portals/{portal_id}/snapshots/{name}")

    def set_rate_limits(self, portal_id: int, tier: str) -> Any:
        return self.call("PUT", f"/portals/{portal_id}/rate-limits", {"tier": tier})

    def health(self) -> dict[str, Any]:
        return self.call("GET", "/health")


class Portal:
    """One portal of a server: its id, a token with the scopes it was made with, and the server's URL."""

    def __init__(self, admin: AdminClient, portal_id: int, token: str, name: str | None = None) -> None:
        self.admin = admin
        self.portal_id = portal_id
        self.token = token
        self.name = name
        self.url = admin.url

    @classmethod
    def create(cls, admin: AdminClient, *, scopes: list[str] | None = None, name: str | None = None) -> Portal:
        made = admin.create_portal(name=name, scopes=scopes)
        return cls(admin, made["portalId"], made["token"], made.get("name"))

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def reset(self) -> None:
        self.admin.reset_portal(self.portal_id)

    def seed(self, document: dict[str, Any] | str | Path) -> dict[str, Any]:
        return self.admin.seed(self.portal_id, document)

    def snapshot(self, name: str) -> dict[str, Any]:
        return self.admin.snapshot(self.portal_id, name)

    def restore(self, name: str) -> None:
        self.admin.restore(self.portal_id, name)

    def new_token(self, scopes: list[str] | None = None) -> str:
        return self.admin.create_token(self.portal_id, scopes)

    def set_rate_limits(self, tier: str) -> Any:
        return self.admin.set_rate_limits(self.portal_id, tier)

    def delete(self) -> None:
        """Removes the portal and everything in it; a portal already gone is no error."""
        try:
            self.admin.delete_portal(self.portal_id)
        except AdminError as exc:
            if exc.status != 404:
                raise

    def __repr__(self) -> str:
        return f"Portal(portal_id={self.portal_id}, url={self.url!r})"
