"""`/crm/v3/limits/...` and its date-versioned twin: every report a GET answered with 200."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from localspot.crm.limits.service import LimitsService
from localspot.kernel.web.api import Api, Call, Outcome


def routes(api: Api, limits: LimitsService) -> list[BaseRoute]:
    def labels(call: Call) -> Outcome:
        return limits.association_labels(
            call.principal, call.query.text("fromObjectTypeId"), call.query.text("toObjectTypeId")
        )

    def route(path: str, handler) -> Route:
        return Route(path, api.endpoint(handler), methods=["GET"])

    return [
        route("/records", lambda c: limits.records_limits(c.principal)),
        route("/custom-properties", lambda c: limits.custom_properties(c.principal)),
        route("/pipelines", lambda c: limits.pipelines(c.principal)),
        route("/calculated-properties", lambda c: limits.calculated_properties(c.principal)),
        route("/custom-object-types", lambda c: limits.custom_object_types(c.principal)),
        route("/associations/labels", labels),
        route("/associations/records/from", lambda c: limits.types_near_limits(c.principal)),
        route(
            "/associations/records/{fromObjectTypeId}/to",
            lambda c: limits.types_near_limits(c.principal, c.path["fromObjectTypeId"]),
        ),
        route(
            "/associations/records/{fromObjectTypeId}/{toObjectTypeId}",
            lambda c: limits.records_near_limit(c.principal, c.path["fromObjectTypeId"], c.path["toObjectTypeId"]),
        ),
    ]
