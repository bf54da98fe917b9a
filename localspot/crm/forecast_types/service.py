"""Every portal has HubSpot's default forecast types over deals (docs/decisions.md, "Forecast types"); they are
read-only through the API, as HubSpot's spec has only reads, so nothing is stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from localspot.crm.forecast_types import errors
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.storage import Database
from localspot.kernel.storage.portals import PortalQueries
from localspot.kernel.timeutil import iso_from_ms

DEALS = "0-3"


@dataclass(frozen=True)
class ForecastType:
    forecast_type_id: int
    name: str
    amount_property: str
    date_property: str
    default: bool


DEFAULT_TYPES = (
    ForecastType(1, "Deal amount", "amount", "closedate", default=True),
    ForecastType(2, "Deal amount by create date", "amount", "createdate", default=False),
)


def render(forecast_type: ForecastType, created_at: int) -> dict[str, Any]:
    timestamps = {"createdAt": iso_from_ms(created_at), "createdAtTimestamp": created_at}
    return {
        "id": str(forecast_type.forecast_type_id),
        "forecastTypeId": forecast_type.forecast_type_id,
        "forecastName": forecast_type.name,
        "objectTypeId": DEALS,
        "amountProperty": forecast_type.amount_property,
        "dateProperty": forecast_type.date_property,
        "defaultType": forecast_type.default,
        "amountOrDatePropertyRestrictedForUser": False,
        **timestamps,
        "createdBy": 0,
        "updatedAt": timestamps["createdAt"],
        "updatedTimestamp": created_at,
        "updatedBy": 0,
    }


class ForecastTypeService:
    def __init__(self, database: Database) -> None:
        self.database = database

    def _portal_created_at(self, principal: Principal) -> int:
        with self.database.session(write=False) as session:
            portals = PortalQueries.of(session).portals(principal.portal_id)
        return portals[0].created_at if portals else 0

    def list(self, principal: Principal) -> dict[str, Any]:
        principal.require(Operation.FORECAST_TYPES_READ)
        created_at = self._portal_created_at(principal)
        return {"results": [render(t, created_at) for t in DEFAULT_TYPES]}

    def get(self, principal: Principal, forecast_type_id: str) -> dict[str, Any]:
        principal.require(Operation.FORECAST_TYPES_READ)
        for forecast_type in DEFAULT_TYPES:
            if forecast_type_id == str(forecast_type.forecast_type_id):
                return render(forecast_type, self._portal_created_at(principal))
        raise errors.forecast_type_not_found(forecast_type_id)
