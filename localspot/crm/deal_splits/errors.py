"""The deal splits area's errors, each defined once."""

from __future__ import annotations

from collections.abc import Sequence

from localspot.kernel.errors import ApiError


def deal_not_found(deal_id: str) -> ApiError:
    """A deal a batch read names that the portal does not have (one error of a 207)."""
    return ApiError(404, "OBJECT_NOT_FOUND", f"Deal {deal_id[:60]} does not exist.", context={"id": [deal_id[:60]]})


def invalid_splits(problems: Sequence[tuple[str, str]]) -> ApiError:
    """Every (deal id, problem) of an upsert: one invalid deal fails the whole request, nothing is written."""
    message = problems[0][1] if len(problems) == 1 else f"The splits of {len(problems)} deals are not valid."
    return ApiError(
        400,
        "VALIDATION_ERROR",
        message,
        context={"dealId": list(dict.fromkeys(deal_id for deal_id, _ in problems))},
        errors=[{"message": problem, "context": {"dealId": [deal_id]}} for deal_id, problem in problems],
    )
