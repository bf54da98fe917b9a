"""Forecast types: the forecast settings of a portal (`/forecast-settings/v3/forecast-types`)."""
