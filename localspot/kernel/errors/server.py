"""The errors the HTTP server answers for requests it refuses before any route sees them
(localspot/http_protocol.py), in HubSpot's envelope."""

from __future__ import annotations

from localspot.kernel.errors import ApiError, validation_error


def invalid_http_request() -> ApiError:
    return validation_error("The request could not be read as an HTTP/1.1 request (malformed request line or header).")


def uri_too_long(limit: int) -> ApiError:
    return ApiError(414, "VALIDATION_ERROR", f"The request URI is longer than the limit of {limit} bytes.")


def headers_too_large(max_fields: int, max_bytes: int) -> ApiError:
    return ApiError(
        431,
        "VALIDATION_ERROR",
        f"The request headers are too large: at most {max_fields} header fields of {max_bytes} bytes in all.",
    )


def request_timeout(seconds: float) -> ApiError:
    return ApiError(408, "TIMEOUT", f"The request was not received completely within {seconds:g} seconds.")


def too_many_connections() -> ApiError:
    return ApiError(
        503,
        "SERVICE_UNAVAILABLE",
        "The server has too many open connections and none of them is idle. Retry the request.",
    )
