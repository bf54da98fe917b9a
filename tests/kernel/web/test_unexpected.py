"""The last-resort handler for an exception that escapes every route: HubSpot's JSON envelope with a 500, never
Starlette's plain text (it once reached for a function its errors module did not have)."""

from __future__ import annotations

import asyncio
import json

from localspot.kernel.web.routing import unexpected


def test_an_escaped_exception_answers_hubspots_500_envelope():
    answer = asyncio.run(unexpected(None, RuntimeError("boom")))  # type: ignore[arg-type]
    assert answer.status_code == 500 and answer.media_type == "application/json"
    body = json.loads(answer.body)
    assert (body["status"], body["category"], body["message"]) == (
        "error",
        "INTERNAL_ERROR",
        "An internal error occurred.",
    )
