"""JSON responses; errors always as HubSpot's envelope with a JSON content type (the Node client cannot
parse anything else)."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.responses import Response

from localspot.kernel.errors import ApiError

_encode = msgspec.json.Encoder().encode
JSON = "application/json"
# The ASGI scope extension under which localspot's HTTP protocol offers to abort the connection unanswered.
ABORT_EXTENSION = "localspot.abort"


def json_response(body: Any, status: int = 200) -> Response:
    return Response(_encode(body), status_code=status, media_type=JSON)


def error_response(error: ApiError) -> Response:
    return json_response(error.body(), error.status)


def no_content() -> Response:
    return Response(status_code=204)
