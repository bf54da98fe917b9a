"""`/forecast-settings/v3/forecast-types` and its date-versioned twins."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from localspot.crm.forecast_types.service import ForecastTypeService
from localspot.kernel.web.api import Api, Call, Outcome


def routes(api: Api, forecast_types: ForecastTypeService) -> list[BaseRoute]:
    def collection(call: Call) -> Outcome:
        return forecast_types.list(call.principal)

    def single(call: Call) -> Outcome:
        return forecast_types.get(call.principal, call.path["forecastTypeId"])

    return [
        Route("/forecast-types", api.endpoint(collection), methods=["GET"]),
        Route("/forecast-types/{forecastTypeId}", api.endpoint(single), methods=["GET"]),
    ]
