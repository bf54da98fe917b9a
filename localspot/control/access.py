"""Who may use the admin API. With an admin token, every admin call must bear it. Without one, the admin API
is served only while the server listens on a loopback address (on any other address it is not mounted at
all, and the start-up banner says so). A portal's API token never opens it."""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass

from localspot.control import errors


@dataclass(frozen=True)
class Admin:
    """The principal of an admin call."""


ADMIN = Admin()


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class AdminAccess:
    def __init__(self, admin_token: str | None, host: str) -> None:
        self.admin_token = admin_token
        self.served = admin_token is not None or is_loopback(host)

    def check(self, authorization: str | None) -> Admin:
        if self.admin_token is None:
            return ADMIN
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self.admin_token.encode()):
            raise errors.admin_unauthorized()
        return ADMIN
