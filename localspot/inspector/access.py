"""Who may open the inspector: the admin API's rule (`AdminAccess`), with what a browser can carry.

Without an admin token the inspector is open, as the admin API is (the server listens on loopback, or
neither is mounted). With one, a request is admitted when it bears the token as `Authorization: Bearer`
(scripts), or as the `localspot_admin` cookie. A browser gets the cookie by opening any inspector page once
with `?token=<admin token>`: the answer sets the cookie (HttpOnly, SameSite=Strict, path `/_localspot/ui`)
and redirects to the same page without the token, so it stays out of the history and the address bar.
A state-changing request (POST) must also come from the inspector's own origin (`Origin` or
`Sec-Fetch-Site`), so no other site can submit its forms (docs/decisions.md, "The inspector's access").
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request

from localspot.control.access import AdminAccess
from localspot.kernel.errors import ApiError

COOKIE = "localspot_admin"
PREFIX = "/_localspot/ui"


class UiAccess:
    def __init__(self, access: AdminAccess) -> None:
        self.access = access

    def valid(self, token: str) -> bool:
        try:
            self.access.check(f"Bearer {token}")
        except ApiError:
            return False
        return True

    def admitted(self, request: Request) -> bool:
        if self.access.admin_token is None:
            return True
        authorization = request.headers.get("authorization")
        if authorization is not None:
            try:
                self.access.check(authorization)
            except ApiError:
                return False
            return True
        cookie = request.cookies.get(COOKIE)
        return cookie is not None and self.valid(cookie)

    @staticmethod
    def without_token(request: Request) -> str:
        """The request's path and query without `token`: where a `?token=` login redirects."""
        rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
        return request.url.path + (f"?{urlencode(rest)}" if rest else "")

    @staticmethod
    def same_origin(request: Request) -> bool:
        site = request.headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            return False
        origin = request.headers.get("origin")
        if origin is None or (origin == "null" and site in ("same-origin", "none")):
            return True
        host = request.headers.get("host", "")
        return origin in (f"http://{host}", f"https://{host}")
