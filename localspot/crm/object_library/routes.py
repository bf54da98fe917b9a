"""`/crm/v3/object-library/enablement` and its date-versioned twins."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from localspot.crm.object_library.service import ObjectLibraryService
from localspot.kernel.web.api import Api, Call, Outcome


def routes(api: Api, library: ObjectLibraryService) -> list[BaseRoute]:
    def every_type(call: Call) -> Outcome:
        return library.enablement(call.principal)

    def one_type(call: Call) -> Outcome:
        return library.enablement_of(call.principal, call.path["objectTypeId"])

    return [
        Route("/enablement", api.endpoint(every_type), methods=["GET"]),
        Route("/enablement/{objectTypeId}", api.endpoint(one_type), methods=["GET"]),
    ]
