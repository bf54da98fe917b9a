"""Validating and normalising property values on write.

Values arrive as strings (numbers and booleans from loosely typed clients are accepted and stringified).
They are stored normalised so that reads need no conversion and search can compare them as stored:
datetimes as ISO-8601 with milliseconds and `Z`, dates as `YYYY-MM-DD`, booleans lower-case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from functools import partial
from itertools import repeat
from typing import Any

from localspot.kernel import errors
from localspot.kernel.errors import PropertyProblem
from localspot.kernel.numbers import finite_decimal
from localspot.kernel.schema import validation_rules
from localspot.kernel.schema.model import ObjectType, PropertyDefinition
from localspot.kernel.timeutil import iso_from_ms, now_ms, parse_date, parse_instant_ms

MAX_STRING_LENGTH = 65_536


def as_text(raw: Any) -> str:
    if type(raw) is str:  # the common case, first
        return raw
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def normalise(prop: PropertyDefinition, text: str) -> str | PropertyProblem:
    """The stored form of one non-empty value, or why it does not fit the property."""
    return _normaliser(prop)(text)


def _number(prop: PropertyDefinition, text: str) -> str | PropertyProblem:
    value = finite_decimal(text)
    if value is None:
        return PropertyProblem(prop.name, "INVALID_INTEGER", f"{text} was not a valid number.")
    return value


def _boolean(prop: PropertyDefinition, text: str) -> str | PropertyProblem:
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        return PropertyProblem(prop.name, "INVALID_BOOLEAN", f"{text} was not a valid boolean value (true or false).")
    return lowered


def _enumeration(prop: PropertyDefinition, text: str) -> str | PropertyProblem:
    allowed = prop.option_values()
    if not prop.is_multi_select:
        if text in allowed:
            return text
        chosen = [text]
    else:
        chosen = [part for part in text.split(";") if part]
    bad = [part for part in chosen if part not in allowed]
    if bad:
        listed = ", ".join(f'label: "{o["label"]}" value: "{o["value"]}"' for o in prop.options)
        return PropertyProblem(prop.name, "INVALID_OPTION", f"{bad[0]} was not one of the allowed options: [{listed}]")
    return ";".join(chosen)


def _datetime(prop: PropertyDefinition, text: str) -> str | PropertyProblem:
    if _is_stored_datetime(text):
        return text  # already in the stored form (what HubSpot's clients send): nothing to convert
    ms = parse_instant_ms(text)
    if ms is None:
        return PropertyProblem(prop.name, "INVALID_DATETIME", f"{text} is not a valid datetime.")
    return iso_from_ms(ms)


def _date(prop: PropertyDefinition, text: str) -> str | PropertyProblem:
    day = parse_date(text)
    if day is None:
        return PropertyProblem(prop.name, "INVALID_DATE", f"{text} is not a valid date.")
    return day


def _string(prop: PropertyDefinition, text: str) -> str | PropertyProblem:
    if len(text) > MAX_STRING_LENGTH:
        return PropertyProblem(
            prop.name, "INVALID_STRING", f"Value for {prop.name} exceeds {MAX_STRING_LENGTH} characters."
        )
    return text.strip().lower() if prop.lowercase else text


# By property type; any other type (string, phone_number, …) is text.
_NORMALISERS: dict[str, Callable[[PropertyDefinition, str], str | PropertyProblem]] = {
    "number": _number,
    "bool": _boolean,
    "enumeration": _enumeration,
    "datetime": _datetime,
    "date": _date,
}


Normaliser = Callable[[str], "str | PropertyProblem"]


def _normaliser(prop: PropertyDefinition) -> Normaliser:
    """The normaliser of one property, its dispatch done once: validation calls it for every value written;
    then the portal's validation rules for the property, if it has any."""
    base = _type_normaliser(prop)
    if not prop.validation_rules:
        return base

    def with_rules(text: str) -> str | PropertyProblem:
        result = base(text)
        if type(result) is PropertyProblem:
            return result
        # Duration rules ("within 7 days") read real time: normalisers are built once per definition.
        broken = validation_rules.problems(prop, result, now_ms())
        return result if broken is None else PropertyProblem(prop.name, broken[0], broken[1])

    return with_rules


def _type_normaliser(prop: PropertyDefinition) -> Normaliser:
    if prop.type == "enumeration" and not prop.is_multi_select:
        allowed = prop.option_values()

        def single_option(text: str) -> str | PropertyProblem:
            return text if text in allowed else _enumeration(prop, text)

        return single_option
    normaliser = _NORMALISERS.get(prop.type)
    if normaliser is not None:
        return partial(normaliser, prop)
    if prop.lowercase:
        return partial(_string, prop)

    def text_as_given(text: str) -> str | PropertyProblem:
        return text if len(text) <= MAX_STRING_LENGTH else _string(prop, text)

    return text_as_given


def writable_normalisers(object_type: ObjectType) -> dict[str, Normaliser]:
    """The normaliser of each property a write may set, built once per definition."""
    found: dict[str, Normaliser] | None = object_type.derived.get("writable_normalisers")
    if found is None:
        found = {name: _normaliser(prop) for name, prop in object_type.writable_properties.items()}
        object_type.derived["writable_normalisers"] = found
    return found


def _batch_check(prop: PropertyDefinition, normaliser: Normaliser) -> Callable[[Sequence[str]], bool]:
    """Whether every one of a list of non-empty texts is already in this property's stored form, in as
    few interpreted steps as the type allows."""
    if prop.validation_rules:
        return lambda texts: list(map(normaliser, texts)) == list(texts)
    if prop.type == "enumeration" and not prop.is_multi_select:
        return prop.option_values().issuperset
    if prop.type == "datetime":
        return _stored_datetimes
    if _NORMALISERS.get(prop.type) is None and not prop.lowercase:
        return lambda texts: max(map(len, texts)) <= MAX_STRING_LENGTH
    # A problem is never equal to a text, so any invalid value fails the comparison too.
    return lambda texts: list(map(normaliser, texts)) == list(texts)


def stored_as_given(object_type: ObjectType, raws: Sequence[dict[str, Any]]) -> bool:
    """Whether new records' values are already exactly what `validate_properties` would store: only
    writable properties, every value a non-empty text its normaliser leaves unchanged, and every required
    property present. Then each input is its own validated values, with nothing to convert and nothing to
    report. It is what HubSpot's clients send, and checking it a property at a time across the batch, with
    builtins that loop in C, costs a fraction of checking value by value. Any other batch goes through
    `validate_properties`, which converts what it can and names every problem."""
    checks = _batch_checks(object_type)
    required = object_type.required_properties
    key_orders = set(map(tuple, raws))
    if len(key_orders) == 1:
        # The usual batch: every record names the same properties in the same order, so the values of
        # each property are one column of the records' values, transposed in C.
        (names,) = key_orders
        columns: Iterable[tuple[str, Sequence[Any]]] = zip(
            names, zip(*map(dict.values, raws), strict=True), strict=True
        )
    else:
        names = tuple(set().union(*raws))
        if not required or all(sum(map(dict.__contains__, raws, repeat(name))) == len(raws) for name in required):
            columns = ((name, [raw[name] for raw in raws if name in raw]) for name in names)
        else:
            return False
    named = set(names)
    if not checks.keys() >= named or not named.issuperset(required):
        return False
    for name, values in columns:
        try:
            "".join(values)  # refuses anything but text: numbers, booleans and nulls need converting
        except TypeError:
            return False
        if "" in values or not checks[name](values):
            return False
    return all(not raw.keys().isdisjoint(group) for group in object_type.required_one_of for raw in raws)


def _batch_checks(object_type: ObjectType) -> dict[str, Callable[[Sequence[str]], bool]]:
    found: dict[str, Callable[[Sequence[str]], bool]] | None = object_type.derived.get("batch_checks")
    if found is None:
        normalisers = writable_normalisers(object_type)
        found = {name: _batch_check(object_type.properties[name], n) for name, n in normalisers.items()}
        object_type.derived["batch_checks"] = found
    return found


# The stored form `YYYY-MM-DDTHH:MM:SS.sssZ`: its length and separators. fromisoformat checks the rest.
_STORED_LENGTH = 24
_STORED_SEPARATORS = ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "."), (23, "Z"))


def _is_stored_datetime(text: str) -> bool:
    """Whether `text` is in the stored form and names a real instant."""
    return _stored_datetimes([text])


def _stored_datetimes(texts: Sequence[str]) -> bool:
    """Whether every text is in the stored form, year 1000 or later (so it round-trips unchanged), and
    names a real instant. The texts are checked together: all of one length, each separator in place
    across the batch by one slice of their concatenation, then fromisoformat, which reads every other
    position as an ASCII digit and refuses impossible dates and times."""
    if set(map(len, texts)) != {_STORED_LENGTH}:
        return False
    joined, count = "".join(texts), len(texts)
    for position, separator in _STORED_SEPARATORS:
        if joined[position::_STORED_LENGTH] != separator * count:
            return False
    return "0" not in joined[0::_STORED_LENGTH] and _real_instants(texts)


def _real_instants(texts: Sequence[str]) -> bool:
    """No 30 February or hour 24 among texts already shaped like the stored form."""
    try:
        list(map(datetime.fromisoformat, texts))
    except ValueError:
        return False
    return True


def validate_properties(
    object_type: ObjectType,
    raw: Mapping[str, Any],
    *,
    portal_id: int,
    existing: Mapping[str, str] | None = None,
    creating: bool,
) -> dict[str, str]:
    """The normalised changes a write makes (`""` clears), or a VALIDATION_ERROR naming every problem.

    `existing` is the record's current values, needed for multi-select values starting with `;` (append).
    """
    problems: list[PropertyProblem] = []
    changes: dict[str, str] = {}
    normalisers = writable_normalisers(object_type)
    for name, value in raw.items():
        normaliser = normalisers.get(name)
        if normaliser is None:
            problems.append(_not_writable(object_type, name))
            continue
        text = value if type(value) is str else as_text(value)
        if not text:
            changes[name] = ""
            continue
        result = normaliser(text)
        if type(result) is PropertyProblem:
            problems.append(result)
            continue
        if existing and text[0] == ";" and existing.get(name) and object_type.properties[name].is_multi_select:
            current = existing[name].split(";")
            result = ";".join(current + [v for v in result.split(";") if v not in current])
        changes[name] = result
    if creating and (object_type.required_properties or object_type.required_one_of):
        problems.extend(_missing_required(object_type, changes, given=raw))
    if problems:
        raise errors.invalid_property_values(problems, portal_id)
    return changes


def _not_writable(object_type: ObjectType, name: str) -> PropertyProblem:
    prop = object_type.properties.get(name)
    if prop is None or prop.archived:
        return PropertyProblem(name, "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist')
    return PropertyProblem(name, "READ_ONLY_VALUE", f'"{name}" is a read only property; its value cannot be set.')


def _missing_required(
    object_type: ObjectType, values: Mapping[str, str], *, given: Mapping[str, Any]
) -> list[PropertyProblem]:
    """Required properties with no value; one given but invalid is reported as invalid, not as missing."""
    for name in object_type.required_properties:
        if not values.get(name):
            break
    else:
        if not object_type.required_one_of:
            return []  # the common case, without building anything

    def present(name: str) -> bool:
        return bool(values.get(name)) or (name in given and name not in values)

    missing = [
        PropertyProblem(name, "REQUIRED_PROPERTY", f'Property "{name}" is required.')
        for name in object_type.required_properties
        if not present(name)
    ]
    for group in object_type.required_one_of:
        if not any(present(name) for name in group):
            names = " or ".join(group)
            missing.append(PropertyProblem(group[0], "REQUIRED_PROPERTY", f"At least one of {names} is required."))
    return missing
