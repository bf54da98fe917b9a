"""`POST /crm/v3/objects/{objectType}/search` and its date-versioned twin."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from localspot.crm.search.service import SearchRequest, SearchService
from localspot.kernel.web.api import Api, Call, Outcome


def routes(api: Api, search: SearchService) -> list[BaseRoute]:

    def do_search(call: Call) -> Outcome:
        return search.search(call.principal, call.path["objectType"], call.body(SearchRequest))

    return [Route("/{objectType}/search", api.endpoint(do_search), methods=["POST"])]
