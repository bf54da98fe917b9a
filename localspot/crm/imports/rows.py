"""An import file's rows, read one at a time (CSV through the csv module over the stored bytes, spreadsheets
through openpyxl's read-only mode), and each cell turned into the value HubSpot's import would store: dates in
the import's `dateFormat`, booleans as Yes/No, enumeration options by label or value."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from localspot.crm.imports import errors
from localspot.kernel.schema import PropertyDefinition

_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
_DATE_PARTS = re.compile(r"^\s*(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$")
_GROUPED_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
# The field size csv accepts by default (128 KiB) is HubSpot's own cell bound order of magnitude; a longer
# cell ends the file's reading with COLUMN_TOO_LARGE.
MAX_CELL = 128 * 1024


class CellError(Exception):
    """A cell HubSpot's import would refuse: `error_type` is its import error type."""

    def __init__(self, error_type: str, message: str, value: str) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.value = value


def read_rows(data: bytes, file_format: str) -> Iterator[list[str]]:
    """Every row of the file, header included, as text cells."""
    if file_format == "SPREADSHEET" or data[:4] == b"PK\x03\x04":
        yield from _spreadsheet_rows(data)
        return
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", errors="replace", newline="")
    yield from csv.reader(text)


def _spreadsheet_rows(data: bytes) -> Iterator[list[str]]:
    try:
        import openpyxl
    except ImportError:
        raise errors.spreadsheets_need_the_extra() from None
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in row]
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value.time() != datetime.min.time() else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def converted(prop: PropertyDefinition, raw: str, date_format: str) -> str:
    """The stored form of one non-empty cell for `prop`; CellError when HubSpot's import would refuse it."""
    value = raw.strip()
    kind = prop.type
    if kind == "bool":
        lowered = value.lower()
        if lowered in _TRUE:
            return "true"
        if lowered in _FALSE:
            return "false"
        raise CellError("INVALID_PROPERTY_VALUE_FORMAT", f"{value!r} is not a yes/no value", raw)
    if kind == "number":
        if _GROUPED_NUMBER.match(value):
            value = value.replace(",", "")
        try:
            float(value)
        except ValueError:
            raise CellError("COULD_NOT_PARSE_NUMBER", f"{value!r} is not a number", raw) from None
        return value
    if kind in ("date", "datetime"):
        return _date_value(value, kind, date_format, raw)
    if kind == "enumeration" and prop.options:
        return ";".join(_option(prop, part.strip(), raw) for part in value.split(";") if part.strip())
    return raw


def _option(prop: PropertyDefinition, given: str, raw: str) -> str:
    for option in prop.options:
        if given == option.get("value") or given.lower() == str(option.get("label", "")).lower():
            return str(option["value"])
    raise CellError("INVALID_ENUMERATION_OPTION", f"{given!r} is not one of {prop.name}'s options", raw)


def _date_value(value: str, kind: str, date_format: str, raw: str) -> str:
    if value.isdigit() and len(value) >= 10:
        return value  # epoch milliseconds, as the API takes them
    if re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value  # ISO 8601: the engine checks it
    match = _DATE_PARTS.match(value)
    if match is None:
        raise CellError("COULD_NOT_PARSE_DATE", f"{value!r} is not a date in {date_format}", raw)
    first, second, third = (int(part) for part in match.group(1, 2, 3))
    year, month, day = {
        "MONTH_DAY_YEAR": (third, first, second),
        "DAY_MONTH_YEAR": (third, second, first),
        "YEAR_MONTH_DAY": (first, second, third),
    }[date_format]
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        parsed = date(year, month, day)
    except ValueError:
        raise CellError("COULD_NOT_PARSE_DATE", f"{value!r} is not a date in {date_format}", raw) from None
    if kind == "date":
        return parsed.isoformat()
    hour, minute, second_of_minute = (int(part or 0) for part in match.group(4, 5, 6))
    if hour > 23 or minute > 59 or second_of_minute > 59:
        raise CellError("COULD_NOT_PARSE_DATE", f"{value!r} has no valid time of day", raw)
    return f"{parsed.isoformat()}T{hour:02d}:{minute:02d}:{second_of_minute:02d}Z"


def error_type_of(code: str | None, category: str, status: int) -> str:
    """The import error type for an error the object engine answered for one row."""
    if code is not None and code in _BY_CODE:
        return _BY_CODE[code]
    if status == 409:
        return "DUPLICATE_UNIQUE_PROPERTY_VALUE"
    if status == 404:
        return "UPDATE_ONLY_IMPORT"
    if category == "VALIDATION_ERROR":
        return "FAILED_VALIDATION"
    return "UNKNOWN_ERROR"


_BY_CODE = {
    "INVALID_OPTION": "INVALID_ENUMERATION_OPTION",
    "INVALID_INTEGER": "COULD_NOT_PARSE_NUMBER",
    "INVALID_DATE": "COULD_NOT_PARSE_DATE",
    "INVALID_DATETIME": "COULD_NOT_PARSE_DATE",
    "INVALID_BOOLEAN": "INVALID_PROPERTY_VALUE_FORMAT",
    "INVALID_STRING": "INVALID_PROPERTY_VALUE_FORMAT",
    "REQUIRED_PROPERTY": "MISSING_REQUIRED_PROPERTY",
    "PROPERTY_DOESNT_EXIST": "PROPERTY_DEFINITION_NOT_FOUND",
    "READ_ONLY_VALUE": "FAILED_VALIDATION",
}
