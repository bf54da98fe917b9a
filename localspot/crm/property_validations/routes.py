"""`/crm/v3/property-validations/...` and its date-versioned twins."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from localspot.crm.property_validations.service import PropertyValidationService, RuleBody
from localspot.kernel.web.api import Api, Handler


def routes(api: Api, rules: PropertyValidationService) -> list[BaseRoute]:
    def route(path: str, handler: Handler, methods: list[str]) -> Route:
        return Route(path, api.endpoint(handler), methods=methods)

    one = "/{objectTypeId}/{propertyName}/rule-type/{ruleType}"
    return [
        route("/{objectTypeId}", lambda c: rules.for_type(c.principal, c.path["objectTypeId"]), ["GET"]),
        route(
            "/{objectTypeId}/{propertyName}",
            lambda c: rules.for_property(c.principal, c.path["objectTypeId"], c.path["propertyName"]),
            ["GET"],
        ),
        route(
            one,
            lambda c: rules.rule(c.principal, c.path["objectTypeId"], c.path["propertyName"], c.path["ruleType"]),
            ["GET"],
        ),
        route(
            one,
            lambda c: rules.put(
                c.principal, c.path["objectTypeId"], c.path["propertyName"], c.path["ruleType"], c.body(RuleBody)
            ),
            ["PUT"],
        ),
    ]
