"""`/account-info/v3/details` and the daily API usage of private apps.

A localspot portal is a STANDARD account in UTC, in US dollars, hosted in `na1` (docs/decisions.md, "Account
info"). Its API usage is every authenticated API request of the portal in the shared clock's UTC day (the
DAILY counter of the server's rate limits, which counts them whether the limits are on or off), this one
included; its limit is the portal's daily rate limit, or the Enterprise one when its limits are off."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.storage import Database
from localspot.kernel.timeutil import iso_from_ms

DAY_MS = 86_400_000
USAGE_NAME = "private-apps-api-calls-daily"
# A portal's (daily limit, None when its rate limits are off; API requests counted today).
DailyUsage = Callable[[int], tuple[int | None, int]]


class AccountInfoService:
    def __init__(self, database: Database, daily_usage: DailyUsage, default_daily_limit: int) -> None:
        self.database = database
        self.daily_usage = daily_usage
        self.default_daily_limit = default_daily_limit

    def details(self, principal: Principal) -> dict[str, Any]:
        principal.require(Operation.ACCOUNT_INFO_READ)
        return {
            "portalId": principal.portal_id,
            "accountType": "STANDARD",
            "timeZone": "UTC",
            "companyCurrency": "USD",
            "additionalCurrencies": [],
            "utcOffset": "+00:00",
            "utcOffsetMilliseconds": 0,
            "uiDomain": "app.hubspot.com",
            "dataHostingLocation": "na1",
        }

    def daily_api_usage(self, principal: Principal) -> dict[str, Any]:
        principal.require(Operation.ACCOUNT_INFO_READ)
        now = self.database.clock.now_ms()
        limit, used = self.daily_usage(principal.portal_id)
        return {
            "results": [
                {
                    "name": USAGE_NAME,
                    "usageLimit": self.default_daily_limit if limit is None else limit,
                    "currentUsage": used,
                    "collectedAt": iso_from_ms(now),
                    "fetchStatus": "SUCCESS",
                    "resetsAt": iso_from_ms(now - now % DAY_MS + DAY_MS),
                }
            ]
        }
