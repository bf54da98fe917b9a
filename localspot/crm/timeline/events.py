"""Timeline events: written by an app onto one record of its template's object type (by `objectId`, or for
contacts by `email`, which creates the contact when none has it, as HubSpot does), with token values checked
against the template. A token with `objectPropertyName` also sets that property of the record."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from localspot.crm.objects.inputs import CreateInput
from localspot.crm.objects.reads import ReadOptions, RecordReads
from localspot.crm.objects.service import RecordService
from localspot.crm.search.service import Scalar
from localspot.crm.timeline import errors
from localspot.crm.timeline.queries import TimelineQueries
from localspot.kernel.batch import BatchOutcome
from localspot.kernel.errors import ApiError
from localspot.kernel.portals.principal import Principal
from localspot.kernel.storage import Database
from localspot.kernel.storage.portals import ALL_SCOPES
from localspot.kernel.timeutil import iso_from_ms, parse_instant_ms

MAX_BATCH = 500
MAX_EVENT_ID = 200
_ID_ONLY = ReadOptions(["hs_object_id"])


class EventInput(msgspec.Struct, rename="camel"):
    event_template_id: str
    id: str | None = None
    tokens: dict[str, Scalar] = {}
    object_id: str | None = None
    email: str | None = None
    utk: str | None = None
    domain: str | None = None
    custom_object_type_id: str | None = None
    timestamp: str | None = None
    extra_data: Any = None
    timeline_i_frame: dict[str, Any] | None = None


class EventBatch(msgspec.Struct):
    inputs: list[EventInput]


class TimelineEvents:
    def __init__(self, database: Database, records: RecordService, reads: RecordReads) -> None:
        self.database = database
        self.records = records
        self.reads = reads

    def create(self, principal: Principal, body: EventInput) -> tuple[int, dict[str, Any]]:
        return 201, self._create(principal, body)

    def batch_create(self, principal: Principal, body: EventBatch) -> tuple[int, dict[str, Any]]:
        if not 1 <= len(body.inputs) <= MAX_BATCH:
            raise errors.invalid_timeline(f"A batch holds 1 to {MAX_BATCH} events.")
        outcome = BatchOutcome(self.database.clock)
        for item in body.inputs:
            try:
                outcome.results.append(self._create(principal, item))
            except ApiError as error:
                if error.status in (401, 403):
                    raise
                outcome.errors.append(error)
        return outcome.response(201)

    def get(self, principal: Principal, template_id: str, event_id: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            template = _template(session, template_id)
        self._require(principal, template, write=False)
        with self.database.session(write=False) as session:
            found = TimelineQueries.of(session).event(principal.portal_id, int(template_id), event_id)
        if found is None:
            raise errors.event_not_found(template_id, event_id)
        return found

    def _create(self, principal: Principal, body: EventInput) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            template = _template(session, body.event_template_id)
        self._require(principal, template, write=True)
        event_id = body.id if body.id is not None else str(uuid.uuid4())
        if not 0 < len(event_id) <= MAX_EVENT_ID:
            raise errors.invalid_timeline(f"An event id is 1 to {MAX_EVENT_ID} characters.")
        tokens = _checked_tokens(template, body.tokens)
        timestamp = _timestamp(body.timestamp, self.database.clock.now_ms())
        record_id = self._record(principal, template["objectType"], body)
        stamps = {
            token["objectPropertyName"]: tokens[token["name"]]
            for token in template["tokens"]
            if token.get("objectPropertyName") and token["name"] in tokens
        }
        if stamps:
            self.records.update(principal, template["objectType"], record_id, stamps)
        event = {
            "id": event_id,
            "eventTemplateId": template["id"],
            "objectType": template["objectType"],
            "objectId": record_id,
            "tokens": tokens,
            "timestamp": timestamp,
        }
        for name, value in (
            ("email", body.email),
            ("extraData", body.extra_data),
            ("timelineIFrame", body.timeline_i_frame),
        ):
            if value is not None:
                event[name] = value
        with self.database.session(write=True) as session:
            event["createdAt"] = iso_from_ms(session.clock.now_ms())
            if not TimelineQueries.of(session).insert_event(
                principal.portal_id, int(template["id"]), event_id, int(record_id), event
            ):
                raise errors.event_exists(event_id)
        return event

    def _record(self, principal: Principal, object_type: str, body: EventInput) -> str:
        """The id of the event's record; for contacts named by email, created when missing."""
        if body.object_id is not None:
            return str(self.reads.get(principal, object_type, body.object_id, _ID_ONLY)["id"])
        if body.email is not None and object_type == "contacts":
            try:
                return str(self.reads.get(principal, object_type, body.email, _ID_ONLY, id_property="email")["id"])
            except ApiError as error:
                if error.status != 404:
                    raise
            _, created = self.records.create(principal, object_type, CreateInput({"email": body.email}))
            return str(created["id"])
        raise errors.invalid_timeline(
            "An event names its record by objectId (or, for contacts, by email).", {"objectId": []}
        )

    def _require(self, principal: Principal, template: dict[str, Any], *, write: bool) -> None:
        # The spec's alternatives: the record type's own scopes, or `timeline`.
        if principal.scopes.isdisjoint({"timeline", ALL_SCOPES}):
            with self.database.session(write=False) as session:
                self.records.open_type(session, principal, template["objectType"], write=write)


def _template(session: Any, template_id: str) -> dict[str, Any]:
    found = (
        TimelineQueries.of(session).template(int(template_id))
        if template_id.isdigit() and len(template_id) < 19
        else None
    )
    if found is None:
        raise errors.template_not_found(template_id)
    return found


def _checked_tokens(template: dict[str, Any], given: dict[str, Scalar]) -> dict[str, str]:
    defined = {token["name"]: token for token in template["tokens"]}
    checked: dict[str, str] = {}
    for name, raw in given.items():
        token = defined.get(name)
        if token is None:
            raise errors.invalid_timeline(
                f"Template {template['id']} has no token {name[:60]!r}.", {"tokens": [name[:60]]}
            )
        value = raw if isinstance(raw, str) else str(raw).lower() if isinstance(raw, bool) else str(raw)
        if token["type"] == "number":
            try:
                float(value)
            except ValueError:
                raise errors.invalid_timeline(f"Token {name}: {value[:60]!r} is not a number.") from None
        elif token["type"] == "date" and parse_instant_ms(value) is None:
            raise errors.invalid_timeline(f"Token {name}: {value[:60]!r} is not a date (epoch ms or ISO-8601).")
        elif token["type"] == "enumeration" and value not in {o["value"] for o in token["options"]}:
            raise errors.invalid_timeline(f"Token {name}: {value[:60]!r} is not one of its options.")
        checked[name] = value
    return checked


def _timestamp(given: str | None, now: int) -> str:
    if given is None:
        return iso_from_ms(now)
    parsed = parse_instant_ms(given)
    if parsed is None:
        raise errors.invalid_timeline("timestamp must be an ISO-8601 instant.")
    return iso_from_ms(parsed)
