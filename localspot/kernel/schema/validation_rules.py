"""HubSpot's property validation rule types, as part of the data model: which properties each fits, what
arguments it takes, and the check a written value must pass (../shared/hubspot-lists-imports-exports-notes.md
§6.2). The property validations area stores a portal's rules; every write checks them through `problems`. A
broken rule gives the code and message of HubSpot's "Property values were not valid" entries (INVALID_ALPHA for
ALPHA_ONLY, as HubSpot's changelog shows; the other codes are not published: docs/decisions.md)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

from localspot.kernel.schema.model import PropertyDefinition

TEXT = ("text", "textarea")
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.IGNORECASE)
_PERIOD = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
_SPECIAL = re.compile(r"[^\w\s]")
# A check answers None (the value passes) or (error code, message).
Check = Callable[[str, PropertyDefinition], "tuple[str, str] | None"]


@dataclass(frozen=True)
class RuleType:
    types: tuple[str, ...]  # property types it fits
    field_types: tuple[str, ...] | None  # and field types, where it matters
    arguments: Callable[[list[str]], str | None]  # None, or what is wrong with the arguments
    check: Callable[[list[str], int], Check]  # (arguments, now ms) -> the check of one value


def _none(args: list[str]) -> str | None:
    return None if not args else "takes no arguments"


def _one_of(*allowed: str, optional: bool = False) -> Callable[[list[str]], str | None]:
    def arguments(args: list[str]) -> str | None:
        if optional and not args:
            return None
        return None if len(args) == 1 and args[0] in allowed else f"takes one of {', '.join(allowed)}"

    return arguments


def _integer(low: int, high: int) -> Callable[[list[str]], str | None]:
    def arguments(args: list[str]) -> str | None:
        ok = len(args) == 1 and args[0].isdigit() and low <= int(args[0]) <= high
        return None if ok else f"takes one whole number from {low} to {high}"

    return arguments


def _number(args: list[str]) -> str | None:
    try:
        float(args[0]) if len(args) == 1 else float("x")
    except ValueError:
        return "takes one number"
    return None


def _epoch(args: list[str]) -> str | None:
    return None if len(args) == 1 and args[0].lstrip("-").isdigit() else "takes one instant in epoch milliseconds"


def _period(args: list[str]) -> str | None:
    return None if len(args) == 1 and _PERIOD.match(args[0]) and args[0] != "P" else "takes one ISO-8601 period (P7D)"


def _domains(args: list[str]) -> str | None:
    return None if 1 <= len(args) <= 20 and all(_DOMAIN.match(a) for a in args) else "takes 1 to 20 domains"


def _regex(args: list[str]) -> str | None:
    if not 1 <= len(args) <= 2 or len(args[0]) > 1000:
        return "takes a pattern, then an error message"
    try:
        re.compile(args[0])
    except re.error as exc:
        return f"pattern does not compile: {exc}"
    return None


def _days(args: list[str]) -> str | None:
    return None if 1 <= len(args) <= 7 and set(args) <= set(DAYS) else f"takes 1 to 7 of {', '.join(DAYS)}"


def _country(args: list[str]) -> str | None:
    return None if not args or (len(args) == 1 and re.fullmatch(r"[a-z]{2}", args[0])) else "takes a country code"


def _fails(code: str, message: str) -> tuple[str, str]:
    return code, message


def _alphanumeric(args: list[str], now: int) -> Check:
    kind = args[0]
    pattern, code, message = {
        "ALPHANUMERIC": (r"[A-Za-z0-9 ]*", "INVALID_ALPHANUMERIC", "Enter only letters and numbers"),
        "ALPHA_ONLY": (r"[A-Za-z ]*", "INVALID_ALPHA", "Enter only letters"),
        "NUMERIC_ONLY": (r"[0-9]*", "INVALID_NUMERIC", "Enter only numbers"),
    }[kind]
    return lambda value, prop: None if re.fullmatch(pattern, value) else _fails(code, message)


def _format(args: list[str], now: int) -> Check:
    wanted = {"UPPER": str.upper, "LOWER": str.lower, "CAPITALIZATION": str.title}[args[0]]
    return lambda value, prop: (
        None if wanted(value) == value else _fails("INVALID_FORMAT", f"Enter {args[0].lower()} text")
    )


def _length(minimum: bool) -> Callable[[list[str], int], Check]:
    def make(args: list[str], now: int) -> Check:
        bound = int(args[0])

        def check(value: str, prop: PropertyDefinition) -> tuple[str, str] | None:
            if minimum and len(value) < bound:
                return _fails("TOO_SHORT", f"Enter at least {bound} characters")
            if not minimum and len(value) > bound:
                return _fails("TOO_LONG", f"Enter at most {bound} characters")
            return None

        return check

    return make


def _regex_check(args: list[str], now: int) -> Check:
    pattern = re.compile(args[0])
    message = args[1] if len(args) > 1 else f"Enter a value matching {args[0]}"
    return lambda value, prop: None if pattern.fullmatch(value) else _fails("INVALID_REGEX", message)


def _simple(pattern: Callable[[str], bool], code: str, message: str) -> Callable[[list[str], int], Check]:
    return lambda args, now: lambda value, prop: None if pattern(value) else _fails(code, message)


def _url_ok(value: str) -> bool:
    parsed = urlparse(value if "://" in value else "https://" + value)
    return bool(parsed.netloc) and _DOMAIN.match(parsed.hostname or "") is not None


def _host_of(value: str, *, email: bool) -> str:
    if email:
        return value.rpartition("@")[2].lower()
    return (urlparse(value if "://" in value else "https://" + value).hostname or "").lower()


def _domain_list(allowed: bool, email: bool) -> Callable[[list[str], int], Check]:
    def make(args: list[str], now: int) -> Check:
        listed = {a.lower() for a in args}
        code = "INVALID_DOMAIN" if allowed else "BLOCKED_DOMAIN"

        def check(value: str, prop: PropertyDefinition) -> tuple[str, str] | None:
            host = _host_of(value, email=email)
            inside = any(host == d or host.endswith("." + d) for d in listed)
            return None if inside == allowed else _fails(code, f"The domain {host} is not allowed")

        return check

    return make


def _bound(minimum: bool, as_number: Callable[[str], float | None], code: str) -> Callable[[list[str], int], Check]:
    def make(args: list[str], now: int) -> Check:
        limit = float(args[0])

        def check(value: str, prop: PropertyDefinition) -> tuple[str, str] | None:
            given = as_number(value)
            if given is None:
                return None  # the type's own check refuses it
            if (given < limit) if minimum else (given > limit):
                side = "at least" if minimum else "at most"
                return _fails(code, f"Enter a value {side} {args[0]}")
            return None

        return check

    return make


def _float(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _instant_ms(value: str) -> float | None:
    if value.lstrip("-").isdigit():
        return float(value)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp() * 1000


def _decimal(args: list[str], now: int) -> Check:
    places = int(args[0])

    def check(value: str, prop: PropertyDefinition) -> tuple[str, str] | None:
        fraction = value.partition(".")[2]
        return (
            None
            if len(fraction.rstrip("0")) <= places
            else _fails("TOO_MANY_DECIMALS", f"Enter at most {places} decimal places")
        )

    return check


def _duration(after: bool) -> Callable[[list[str], int], Check]:
    def make(args: list[str], now: int) -> Check:
        years, months, weeks, days = (int(part or 0) for part in _PERIOD.match(args[0]).groups())  # type: ignore[union-attr]
        span = timedelta(days=years * 365 + months * 30 + weeks * 7 + days).total_seconds() * 1000
        limit = now + span if after else now - span

        def check(value: str, prop: PropertyDefinition) -> tuple[str, str] | None:
            given = _instant_ms(value)
            if given is None:
                return None
            ok = given >= limit if after else given <= limit
            return (
                None
                if ok
                else _fails("OUTSIDE_DATE_RANGE", f"Enter a date {'after' if after else 'before'} {args[0]} from now")
            )

        return check

    return make


def _days_of_week(args: list[str], now: int) -> Check:
    allowed = {DAYS.index(day) for day in args}

    def check(value: str, prop: PropertyDefinition) -> tuple[str, str] | None:
        given = _instant_ms(value)
        if given is None:
            return None
        weekday = datetime.fromtimestamp(given / 1000, UTC).weekday()
        return None if weekday in allowed else _fails("INVALID_DAY_OF_WEEK", f"Enter a date on {', '.join(args)}")

    return check


def _phone(args: list[str], now: int) -> Check:
    return lambda value, prop: (
        None
        if re.fullmatch(r"\+\d[\d ()\-]{5,}", value.strip())
        else _fails("INVALID_PHONE_NUMBER", "Enter a phone number with its country code (+1 ...)")
    )


def _whitespace(args: list[str], now: int) -> Check:
    mode = args[0] if args else "ALL"
    if mode == "TRIM":
        return lambda value, prop: (
            None
            if value == value.strip()
            else _fails("LEADING_TRAILING_WHITESPACE", "Remove the spaces around the value")
        )
    return lambda value, prop: (
        None if not re.search(r"\s", value) else _fails("INVALID_WHITESPACE", "Remove the spaces")
    )


RULE_TYPES: dict[str, RuleType] = {
    "ALPHANUMERIC": RuleType(("string",), TEXT, _one_of("ALPHANUMERIC", "ALPHA_ONLY", "NUMERIC_ONLY"), _alphanumeric),
    "FORMAT": RuleType(("string",), TEXT, _one_of("CAPITALIZATION", "UPPER", "LOWER"), _format),
    "MIN_LENGTH": RuleType(("string",), (*TEXT, "phonenumber"), _integer(1, 10000), _length(True)),
    "MAX_LENGTH": RuleType(("string",), (*TEXT, "phonenumber"), _integer(1, 10000), _length(False)),
    "REGEX": RuleType(("string",), TEXT, _regex, _regex_check),
    "SPECIAL_CHARACTERS": RuleType(
        ("string",),
        TEXT,
        _one_of("NOT_ALLOWED"),
        _simple(lambda v: not _SPECIAL.search(v), "INVALID_SPECIAL_CHARACTERS", "Remove special characters"),
    ),
    "WHITESPACE": RuleType(("string",), ("text",), _one_of("ALL", "TRIM", optional=True), _whitespace),
    "EMAIL": RuleType(
        ("string",),
        ("text",),
        _none,
        _simple(lambda v: bool(_EMAIL.match(v)), "INVALID_EMAIL", "Enter a valid email address"),
    ),
    "DOMAIN": RuleType(
        ("string",),
        ("text",),
        _none,
        _simple(lambda v: bool(_DOMAIN.match(v)), "INVALID_DOMAIN", "Enter a valid domain"),
    ),
    "URL": RuleType(("string",), ("text",), _none, _simple(_url_ok, "INVALID_URL", "Enter a valid URL")),
    "EMAIL_ALLOWED_DOMAINS": RuleType(("string",), ("text",), _domains, _domain_list(True, True)),
    "EMAIL_BLOCKED_DOMAINS": RuleType(("string",), ("text",), _domains, _domain_list(False, True)),
    "URL_ALLOWED_DOMAINS": RuleType(("string",), ("text",), _domains, _domain_list(True, False)),
    "URL_BLOCKED_DOMAINS": RuleType(("string",), ("text",), _domains, _domain_list(False, False)),
    "PHONE_NUMBER_WITH_EXPLICIT_COUNTRY_CODE": RuleType(("string",), ("phonenumber",), _country, _phone),
    "MIN_NUMBER": RuleType(("number",), None, _number, _bound(True, _float, "NUMBER_TOO_SMALL")),
    "MAX_NUMBER": RuleType(("number",), None, _number, _bound(False, _float, "NUMBER_TOO_LARGE")),
    "DECIMAL": RuleType(("number",), None, _integer(0, 20), _decimal),
    "START_DATE": RuleType(("date",), None, _epoch, _bound(True, _instant_ms, "DATE_TOO_EARLY")),
    "END_DATE": RuleType(("date",), None, _epoch, _bound(False, _instant_ms, "DATE_TOO_LATE")),
    "START_DATETIME": RuleType(("datetime",), None, _epoch, _bound(True, _instant_ms, "DATE_TOO_EARLY")),
    "END_DATETIME": RuleType(("datetime",), None, _epoch, _bound(False, _instant_ms, "DATE_TOO_LATE")),
    "AFTER_DURATION": RuleType(("date",), None, _period, _duration(True)),
    "BEFORE_DURATION": RuleType(("date",), None, _period, _duration(False)),
    "AFTER_DATETIME_DURATION": RuleType(("datetime",), None, _period, _duration(True)),
    "BEFORE_DATETIME_DURATION": RuleType(("datetime",), None, _period, _duration(False)),
    "DAYS_OF_WEEK": RuleType(("date", "datetime"), None, _days, _days_of_week),
}


def argument_problem(prop: PropertyDefinition, rule_type: str, arguments: list[str]) -> str | None:
    """What is wrong with a rule for a property (an unknown type, a type that does not fit the property, bad
    arguments), or None."""
    kind = RULE_TYPES.get(rule_type)
    if kind is None:
        return f"ruleType must be one of {', '.join(sorted(RULE_TYPES))}"
    if prop.type not in kind.types or (kind.field_types is not None and prop.field_type not in kind.field_types):
        return f"a {rule_type} rule does not fit {prop.name} (type {prop.type}, fieldType {prop.field_type})"
    problem = kind.arguments(arguments)
    return None if problem is None else f"a {rule_type} rule {problem}"


def problems(prop: PropertyDefinition, value: str, now: int) -> tuple[str, str] | None:
    """The first rule of the property the value breaks: (code, message), or None."""
    for rule in prop.validation_rules:
        kind = RULE_TYPES.get(rule["ruleType"])
        if kind is None:
            continue
        found = kind.check(list(rule["ruleArguments"]), now)(value, prop)
        if found is not None:
            return found
    return None
