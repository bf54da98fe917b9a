"""Query parameters as the official clients send them: repeated keys and/or commas for lists, and
`True`/`true`/`False`/`false` for booleans."""

from __future__ import annotations

from starlette.requests import Request

from localspot.kernel import errors


def query_list(request: Request, name: str) -> list[str] | None:
    """None when the parameter is absent; otherwise every value, split on commas, in order."""
    raw = request.query_params.getlist(name)
    if not raw:
        return None
    values: list[str] = []
    for item in raw:
        values.extend(part.strip() for part in item.split(",") if part.strip())
    return values


def query_bool(request: Request, name: str, default: bool = False) -> bool:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise errors.validation_error(f"Query parameter {name} must be true or false, got {raw!r}.")


def query_int(request: Request, name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise errors.validation_error(f"Query parameter {name} must be an integer, got {raw!r}.") from None
    if value < minimum or value > maximum:
        raise errors.validation_error(f"Query parameter {name} must be between {minimum} and {maximum}.")
    return value
