"""Query parameters as the official clients send them: repeated keys and/or commas for lists, and
`True`/`true`/`False`/`false` for booleans.

A `Query` is built only by `Api` for the call it runs, so an invalid value raises its `ApiError` inside the
one place that turns errors into responses (a route never sees the raw request)."""

from __future__ import annotations

from starlette.datastructures import QueryParams

from localspot.kernel import errors


class Query:
    """`raw`: the request's query string (as the ASGI scope holds it), parsed the first time it is read;
    most calls read no parameter."""

    def __init__(self, raw: bytes | QueryParams) -> None:
        self._raw = raw
        self._parsed: QueryParams | None = raw if isinstance(raw, QueryParams) else None

    @property
    def _params(self) -> QueryParams:
        if self._parsed is None:
            self._parsed = QueryParams(self._raw)
        return self._parsed

    def text(self, name: str) -> str | None:
        """The parameter's value; None when absent or empty."""
        return self._params.get(name) or None

    def values(self, name: str) -> list[str] | None:
        """None when the parameter is absent; otherwise every value, split on commas, in order."""
        raw = self._params.getlist(name)
        if not raw:
            return None
        values: list[str] = []
        for item in raw:
            values.extend(part.strip() for part in item.split(",") if part.strip())
        return values

    def flag(self, name: str, default: bool = False) -> bool:
        raw = self._params.get(name)
        if raw is None or not raw.strip():
            return default
        lowered = raw.lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
        raise errors.validation_error(f"Query parameter {name} must be true or false, got {raw!r}.")

    def integer(self, name: str, default: int, *, minimum: int, maximum: int) -> int:
        raw = self._params.get(name)
        if raw is None or not raw.strip():
            return default
        try:
            value = int(raw)
        except ValueError:
            raise errors.validation_error(f"Query parameter {name} must be an integer, got {raw!r}.") from None
        if value < minimum or value > maximum:
            raise errors.validation_error(f"Query parameter {name} must be between {minimum} and {maximum}.")
        return value
