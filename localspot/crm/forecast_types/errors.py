"""The forecast types area's errors, each defined once."""

from __future__ import annotations

from localspot.kernel.errors import ApiError


def forecast_type_not_found(forecast_type_id: str) -> ApiError:
    return ApiError(
        404,
        "OBJECT_NOT_FOUND",
        "Forecast type not found",
        context={"forecastTypeId": [forecast_type_id[:60]]},
    )
