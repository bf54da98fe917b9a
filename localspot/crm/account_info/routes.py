"""`/account-info/v3/...` and its date-versioned twin."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from localspot.crm.account_info.service import AccountInfoService
from localspot.kernel.web.api import Api


def routes(api: Api, account: AccountInfoService) -> list[BaseRoute]:
    usage = api.endpoint(lambda c: account.daily_api_usage(c.principal))
    return [
        Route("/details", api.endpoint(lambda c: account.details(c.principal)), methods=["GET"]),
        Route("/api-usage/daily/private-apps", usage, methods=["GET"]),
        # The older rollout's path, with the same answer.
        Route("/api-usage/daily", usage, methods=["GET"]),
    ]
