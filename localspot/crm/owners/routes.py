"""`/crm/v3/owners` (the clients add a trailing slash) and its date-versioned twin."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from localspot.crm.owners.service import DEFAULT_LIMIT, MAX_LIMIT, OwnerService
from localspot.kernel.web.api import Api, Call, Outcome


def routes(api: Api, owners: OwnerService) -> list[BaseRoute]:

    def collection(call: Call) -> Outcome:
        return owners.list(
            call.principal,
            after=call.query.text("after"),
            limit=call.query.integer("limit", DEFAULT_LIMIT, minimum=1, maximum=MAX_LIMIT),
            archived=call.query.flag("archived"),
            email=call.query.text("email"),
        )

    def single(call: Call) -> Outcome:
        return owners.get(
            call.principal,
            call.path["ownerId"],
            id_property=call.query.text("idProperty") or "id",
            archived=call.query.flag("archived"),
        )

    return [
        Route("/", api.endpoint(collection), methods=["GET"]),
        Route("/{ownerId}", api.endpoint(single), methods=["GET"]),
    ]
