"""`/crm/objects/v3/deals/splits/batch/...` and `/deal-splits/{version}/batch/...`."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from localspot.crm.deal_splits.inputs import BatchRead, BatchUpsert
from localspot.crm.deal_splits.service import DealSplitService
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
