"""`/crm/v3/objects/{objectType}/{objectId}/associations/…` (and `/crm/objects/v3/…`): HubSpot's v3 record
associations. A new association answers the record with its associations to the target type."""

from __future__ import annotations

from dataclasses import replace

from starlette.routing import BaseRoute, Route

from localspot.crm.associations.v3_records import V3_PAGE_SIZE, V3RecordAssociations
from localspot.crm.objects.reads import ReadOptions, RecordReads
from localspot.kernel.storage.portals import ALL_SCOPES
from localspot.kernel.web.api import Api, Call, Outcome


def routes(api: Api, associations: V3RecordAssociations, reads: RecordReads) -> list[BaseRoute]:
    def listing(call: Call) -> Outcome:
        p = call.path
        limit = call.query.integer("limit", V3_PAGE_SIZE, minimum=1, maximum=V3_PAGE_SIZE)
        record = (p["objectType"], p["objectId"], p["toObjectType"])
        return associations.list(call.principal, *record, after=call.query.text("after"), limit=limit)

    def pair(call: Call) -> Outcome:
        p = call.path
        names = (p["objectType"], p["objectId"], p["toObjectType"], p["toObjectId"], p["associationType"])
        if call.method == "DELETE":
            associations.archive(call.principal, *names)
            return None
        associations.create(call.principal, *names)
        # The write was allowed; the record it answers is read whatever read scopes the token holds.
        reader = replace(call.principal, scopes=frozenset({ALL_SCOPES}))
        options = ReadOptions(associations=[p["toObjectType"]])
        return reads.get(reader, p["objectType"], p["objectId"], options)

    return [
        Route("/{objectType}/{objectId}/associations/{toObjectType}", api.endpoint(listing), methods=["GET"]),
        Route(
            "/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}/{associationType}",
            api.endpoint(pair),
            methods=["PUT", "DELETE"],
        ),
    ]
