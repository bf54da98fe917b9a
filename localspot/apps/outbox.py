"""The outbox row format: what one write's events for one app look like in `webhook_events.payload`, and
their expansion into HubSpot's payload when they are sent (or shown).

A row is written inside the CRM write's transaction and rewritten twice more (claimed, then delivered), so
it is kept small: the fields its events share are written once per listener (a template), and each event
adds only its id, its object's id and what differs (a property's value, an association's or a merge's
details). A 100-event row is about 1.5 KB instead of 25 KB of full events, in columns:

    {"t": [[head, tail, propertyName or null], ...], "i": [eventId, ...], "o": [objectId, ...],
     "k": [template index, ...], "v": [propertyValue or null, ...], "d": [details or null, ...]}

`k` is left out when every event uses the first template, `v` and `d` when no event has one. `head` holds the
fields between `eventId` and `attemptNumber` (subscriptionId, portalId, appId, occurredAt, subscriptionType),
`tail` those after the object id and the property (changeFlag, changeSource, objectTypeId), then an event's
details; each event is rebuilt with HubSpot's key order. Rows written before this format (a JSON array
of full events saying `"attemptNumber":0`) are still read."""

from __future__ import annotations

from typing import Any

import msgspec

from localspot.kernel.storage.session import encode_json

Template = tuple[dict[str, Any], dict[str, Any], str | None]

_decode = msgspec.json.Decoder().decode


class _EventId(msgspec.Struct):
    eventId: int


_event_ids = msgspec.json.Decoder(list[_EventId]).decode


def row_text(
    templates: list[Template],
    event_ids: list[int],
    object_ids: list[int],
    kinds: list[int] | None,
    values: list[Any] | None,
    details: list[Any] | None,
) -> str:
    """The payload of one row: per event its id, its object's, its template's index in `templates`, its
    property's value and its details (None for a column nobody has)."""
    row: dict[str, Any] = {"t": templates, "i": event_ids, "o": object_ids}
    for key, column in (("k", kinds), ("v", values), ("d", details)):
        if column is not None:
            row[key] = column
    return encode_json(row).decode()


def events_text(payload: str, attempt: int) -> tuple[bytes, list[int]]:
    """A row's events as the comma-separated members of a JSON array (saying `attemptNumber` `attempt`), and
    their event ids in order."""
    if payload.startswith("["):
        return _legacy_text(payload, attempt)
    row = _decode(payload)
    ids: list[int] = row["i"]
    # Each template around the event id and the object id: '{"eventId":' id middle objectId [value] tail '}'.
    pieces = [
        (
            "," + encode_json(head).decode()[1:-1] + f',"attemptNumber":{attempt},"objectId":',
            "" if name is None else ',"propertyName":' + encode_json(name).decode() + ',"propertyValue":',
            "," + encode_json(tail).decode()[1:-1],
        )
        for head, tail, name in row["t"]
    ]
    kinds, values, details = row.get("k"), row.get("v"), row.get("d")
    if kinds is None and values is None and details is None:  # the common case: one template, nothing more
        middle, _, tail = pieces[0]
        parts = [f'{{"eventId":{i}{middle}{o}{tail}}}' for i, o in zip(ids, row["o"], strict=True)]
    else:
        parts = []
        for n, (event_id, object_id) in enumerate(zip(ids, row["o"], strict=True)):
            middle, named, tail = pieces[0 if kinds is None else kinds[n]]
            value = None if values is None else values[n]
            extra = None if details is None else details[n]
            text = f'{{"eventId":{event_id}{middle}{object_id}'
            if value is not None:
                text += named + encode_json(value).decode()
            text += tail
            if extra:
                text += "," + encode_json(extra).decode()[1:-1]
            parts.append(text + "}")
    return ",".join(parts).encode(), ids


def events(payload: str) -> list[dict[str, Any]]:
    """A row's events as HubSpot sends them the first time."""
    text, _ = events_text(payload, 0)
    return _decode(b"[" + text + b"]")


def _legacy_text(payload: str, attempt: int) -> tuple[bytes, list[int]]:
    """A property value is a JSON string, whose quotes are escaped: only the field itself matches."""
    ids = [event.eventId for event in _event_ids(payload)]
    text = payload[1:-1]
    if attempt:
        text = text.replace('"attemptNumber":0,', f'"attemptNumber":{attempt},')
    return text.encode(), ids
