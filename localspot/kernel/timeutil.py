"""Instants as integer epoch milliseconds internally, ISO-8601 with milliseconds and `Z` on the wire."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MS = timedelta(milliseconds=1)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@lru_cache(maxsize=8192)
def iso_from_ms(ms: int) -> str:
    """`2019-10-30T03:30:17.883Z`: what HubSpot sends and what dateutil and `new Date()` both parse."""
    seconds, millis = divmod(ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"


def parse_instant_ms(value: str) -> int | None:
    """Epoch milliseconds or an ISO-8601 date/datetime (naive means UTC); None when it is neither."""
    text = value.strip()
    if not text:
        return None
    if text.lstrip("-").isdigit():
        try:
            ms = int(text)
            iso_from_ms(ms)  # rejects values outside the representable range
            return ms
        except (ValueError, OverflowError, OSError):
            return None
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    # Integer arithmetic: timedelta // timedelta is exact, where total_seconds() * 1000 is a float that lands
    # 1 ms early for some values (47.472 s -> 47471.99…); sub-millisecond digits are dropped (floor).
    return (parsed - _EPOCH) // _ONE_MS


def parse_date(value: str) -> str | None:
    """A calendar day as `YYYY-MM-DD`; epoch ms and datetimes are reduced to their UTC day."""
    text = value.strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    ms = parse_instant_ms(text)
    if ms is None:
        return None
    return time.strftime("%Y-%m-%d", time.gmtime(ms // 1000))
