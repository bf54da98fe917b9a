"""The batch response envelope shared by every batch operation: 200/201 when all inputs succeed, 207 with
`errors` and `numErrors` when some fail."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from localspot.kernel.clock import Clock
from localspot.kernel.errors import ApiError
from localspot.kernel.timeutil import iso_from_ms

MAX_BATCH_INPUTS = 100


@dataclass
class BatchOutcome:
    clock: Clock
    results: list[dict[str, Any]] = field(default_factory=list)
    errors: list[ApiError] = field(default_factory=list)
    started_at: int = field(init=False)

    def __post_init__(self) -> None:
        self.started_at = self.clock.now_ms()

    def response(self, success_status: int) -> tuple[int, dict[str, Any]]:
        body: dict[str, Any] = {"status": "COMPLETE", "results": self.results}
        if self.errors:
            body["numErrors"] = len(self.errors)
            body["errors"] = [error.as_batch_error() for error in self.errors]
        started = iso_from_ms(self.started_at)
        body.update(requestedAt=started, startedAt=started, completedAt=iso_from_ms(self.clock.now_ms()), links={})
        return (207 if self.errors else success_status), body


def with_trace_id(error: ApiError, trace_id: str | None) -> ApiError:
    """The error for one input of a 207, naming that input's objectWriteTraceId."""
    if trace_id is None:
        return error
    context = dict(error.context or {})
    context["objectWriteTraceId"] = [trace_id]
    return ApiError(error.status, error.category, error.message, context=context, errors=error.errors)
