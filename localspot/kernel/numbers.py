"""The one rule for numbers, wherever they come in (docs/decisions.md, "Numbers"):
- a number property's value is a decimal literal of a finite double: `1e400` (which overflows to infinity),
  `Infinity` and `NaN` are refused, like HubSpot's own parser, which reads values into a double;
- the integer fields of HubSpot's definitions that its specs type `int32` (every `displayOrder`) take
  -2,147,483,648 to 2,147,483,647, refused beyond as the body's decoder refuses any wrong type;
- a JSON number or boolean given where HubSpot keeps text is kept as its JSON text (`true`, `0.5`)."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

import msgspec

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
Int32 = Annotated[int, msgspec.Meta(ge=INT32_MIN, le=INT32_MAX)]

_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_encode = msgspec.json.encode


def finite_decimal(text: str) -> str | None:
    """`text` without surrounding space when it is a decimal literal of a finite double, else None."""
    value = text.strip()
    if not _DECIMAL.match(value) or not math.isfinite(float(value)):
        return None
    return value


def json_text(value: Any) -> str:
    """A scalar as text: strings as they are, numbers and booleans as their JSON text."""
    return value if isinstance(value, str) else _encode(value).decode()
