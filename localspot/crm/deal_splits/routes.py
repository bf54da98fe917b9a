"""`/crm/objects/v3/deals/splits/batch/...` and `/deal-splits/{version}/batch/...`; the splits as objects of
type `deal_split`, `/crm/v3/objects/deal_split` and its search."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from localspot.crm.deal_splits.inputs import BatchRead, BatchUpsert
from localspot.crm.deal_splits.objects import LIST_DEFAULT, LIST_MAX, DealSplitObjects
from localspot.crm.deal_splits.service import DealSplitService
from localspot.crm.search.service import SearchRequest
from localspot.kernel.web.api import Api, Call, Outcome


def routes(api: Api, splits: DealSplitService) -> list[BaseRoute]:
    def batch_read(call: Call) -> Outcome:
        return splits.batch_read(call.principal, [item.id for item in call.body(BatchRead).inputs])

    def batch_upsert(call: Call) -> Outcome:
        return splits.batch_upsert(call.principal, call.body(BatchUpsert).inputs)

    return [
        Route("/batch/read", api.endpoint(batch_read), methods=["POST"]),
        Route("/batch/upsert", api.endpoint(batch_upsert), methods=["POST"]),
    ]


def object_routes(api: Api, objects: DealSplitObjects) -> list[BaseRoute]:
    def collection(call: Call) -> Outcome:
        limit = call.query.integer("limit", LIST_DEFAULT, minimum=1, maximum=LIST_MAX)
        archived = call.query.flag("archived")
        return objects.page(call.principal, after=call.query.text("after"), limit=limit, archived=archived)

    def search(call: Call) -> Outcome:
        return objects.search(call.principal, call.body(SearchRequest))

    return [
        Route("/", api.endpoint(collection), methods=["GET"]),
        Route("/search", api.endpoint(search), methods=["POST"]),
    ]
