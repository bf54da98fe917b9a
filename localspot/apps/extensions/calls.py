"""What calling apps write into an account (a portal's token): transcripts of call engagements, a call's
recording marked ready, inbound calls (an engagement and the caller's matching contacts), and each user's
calling connection. Calls are read and written through the objects area's services."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from localspot.apps.extensions import errors
from localspot.apps.extensions.queries import ExtensionQueries
from localspot.apps.oauth import INSTALLING_USER
from localspot.crm.objects.inputs import CreateInput
from localspot.crm.objects.reads import ReadOptions, RecordReads
from localspot.crm.objects.service import RecordService
from localspot.crm.search.service import SearchRequest, SearchService
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.storage import Database
from localspot.kernel.storage.portals import ALL_SCOPES
from localspot.kernel.timeutil import iso_from_ms

MAX_UTTERANCES = 10_000
MAX_TEXT = 65_536
# The call statuses of HubSpot's inbound calls that the call record's hs_call_status has no option for.
STATUS_OF_CALL = {"HOLD": "IN_PROGRESS", "UNKNOWN": None}
CallStatus = Literal[
    "BUSY", "CALLING_CRM_USER", "CANCELED", "COMPLETED", "CONNECTING", "FAILED", "HOLD", "IN_PROGRESS", "MISSED",
    "NO_ANSWER", "QUEUED", "RINGING", "UNKNOWN",
]  # fmt: skip


class Speaker(msgspec.Struct, omit_defaults=True):
    id: str
    name: str
    email: str | None = None


class Utterance(msgspec.Struct, rename="camel", omit_defaults=True):
    speaker: Speaker
    text: str
    start_time_millis: int
    end_time_millis: int
    language_code: str | None = None


class TranscriptCreate(msgspec.Struct, rename="camel"):
    engagement_id: int
    transcript_create_utterances: list[Utterance]


class RecordingReady(msgspec.Struct, rename="camel"):
    engagement_id: int


class PhoneNumber(msgspec.Struct, rename="camel"):
    e164_number: str
    phone_number_type: Literal[
        "FIXED_LINE", "FIXED_LINE_OR_MOBILE", "MOBILE", "PAGER", "PERSONAL_NUMBER", "PREMIUM_RATE", "SHARED_COST",
        "TOLL_FREE", "UAN", "UNKNOWN", "VOICEMAIL", "VOIP",
    ]  # fmt: skip
    extension: str | None = None


class InboundCall(msgspec.Struct, rename="camel"):
    external_call_id: str
    final_call_status: CallStatus
    from_number: PhoneNumber
    to_number: PhoneNumber
    create_engagement: bool
    engagement_properties: dict[str, str]
    potential_recipient_user_ids: list[int]
    call_started_timestamp: str | None = None
    duration_seconds: int | None = None
    user_id: int | None = None


class UserIds(msgspec.Struct):
    inputs: list[dict[str, str]]


def _for_the_app(principal: Principal) -> Principal:
    """The extension's own reads and writes of calls and contacts: its scope grants them in its account."""
    return Principal(principal.portal_id, frozenset({ALL_SCOPES}))


class CallExtensions:
    def __init__(self, database: Database, records: RecordService, reads: RecordReads, search: SearchService):
        self.database = database
        self.records = records
        self.reads = reads
        self.search = search

    # --- transcripts ----------------------------------------------------------------------------------

    def create_transcript(self, principal: Principal, body: TranscriptCreate) -> dict[str, Any]:
        principal.require(Operation.CALL_TRANSCRIPTS_WRITE)
        utterances = body.transcript_create_utterances
        if not 1 <= len(utterances) <= MAX_UTTERANCES:
            raise errors.invalid("transcriptCreateUtterances", f"must hold from 1 to {MAX_UTTERANCES} utterances")
        for index, utterance in enumerate(utterances):
            field = f"transcriptCreateUtterances[{index}]"
            if not 0 <= utterance.start_time_millis <= utterance.end_time_millis:
                raise errors.invalid(f"{field}.endTimeMillis", "must not be before startTimeMillis")
            if not 0 < len(utterance.text) <= MAX_TEXT:
                raise errors.invalid(f"{field}.text", f"must be from 1 to {MAX_TEXT} characters")
        self._call(principal, body.engagement_id)
        with self.database.session(write=True) as session:
            ids = session.reserve_ids(1 + len(utterances))
            now = iso_from_ms(session.clock.now_ms())
            transcript = {
                "id": str(ids[0]),
                "engagementId": body.engagement_id,
                "transcriptSource": "INTEGRATOR_GENERATED",
                "transcriptUtterances": [
                    {"id": str(utterance_id), **msgspec.to_builtins(utterance)}
                    for utterance_id, utterance in zip(ids[1:], utterances, strict=True)
                ],
                "createdAt": now,
                "updatedAt": now,
            }
            ExtensionQueries.of(session).insert_transcript(principal.portal_id, ids[0], body.engagement_id, transcript)
        return {"id": transcript["id"]}

    def transcript(self, principal: Principal, transcript_id: str) -> dict[str, Any]:
        principal.require(Operation.CALL_TRANSCRIPTS_READ)
        found = None
        if transcript_id.isdigit() and len(transcript_id) < 19:
            with self.database.session(write=False) as session:
                found = ExtensionQueries.of(session).transcript(principal.portal_id, int(transcript_id))
        if found is None:
            raise errors.transcript_not_found(transcript_id)
        return found

    def delete_transcript(self, principal: Principal, transcript_id: str) -> None:
        principal.require(Operation.CALL_TRANSCRIPTS_WRITE)
        deleted = False
        if transcript_id.isdigit() and len(transcript_id) < 19:
            with self.database.session(write=True) as session:
                deleted = ExtensionQueries.of(session).delete_transcript(principal.portal_id, int(transcript_id))
        if not deleted:
            raise errors.transcript_not_found(transcript_id)

    # --- recordings and inbound calls -------------------------------------------------------------------

    def recording_ready(self, principal: Principal, body: RecordingReady) -> None:
        principal.require(Operation.CALLS_INBOUND)
        self._call(principal, body.engagement_id)

    def inbound_call(self, principal: Principal, body: InboundCall) -> dict[str, Any]:
        principal.require(Operation.CALLS_INBOUND)
        for field, number in (("fromNumber", body.from_number), ("toNumber", body.to_number)):
            digits = number.e164_number[1:]
            if not (number.e164_number.startswith("+") and digits.isdigit() and 7 <= len(digits) <= 15):
                raise errors.invalid(
                    f"{field}.e164Number", "must be a phone number in E.164 form, such as +14155550100"
                )
        if not 0 < len(body.external_call_id) <= 500:
            raise errors.invalid("externalCallId", "must be from 1 to 500 characters")
        if body.duration_seconds is not None and body.duration_seconds < 0:
            raise errors.invalid("durationSeconds", "must not be negative")
        acting = _for_the_app(principal)
        matches = self._callers(acting, body.from_number.e164_number)
        if body.create_engagement:
            with self.database.session(write=False) as session:
                now = iso_from_ms(session.clock.now_ms())
            self.records.create(acting, "calls", CreateInput(properties=_call_properties(body, now)))
        return {"callerIdMatches": matches}

    def _callers(self, principal: Principal, number: str) -> list[dict[str, Any]]:
        groups = [{"filters": [{"propertyName": name, "operator": "EQ", "value": number}]} for name in PHONES]
        request = msgspec.convert(
            {"filterGroups": groups, "properties": ["email", "firstname", "lastname"], "limit": 100}, SearchRequest
        )
        found = self.search.search(principal, "contacts", request)["results"]
        return [
            {
                "callerIdType": "CONTACT",
                "objectCoordinates": {
                    "objectTypeId": "0-1",
                    "objectId": int(contact["id"]),
                    "portalId": principal.portal_id,
                },
                **{
                    key: contact["properties"][name]
                    for key, name in (("firstName", "firstname"), ("lastName", "lastname"), ("email", "email"))
                    if contact["properties"].get(name) is not None
                },
            }
            for contact in found
        ]

    def _call(self, principal: Principal, engagement_id: int) -> None:
        found = self.reads.by_ids(
            _for_the_app(principal), "calls", [engagement_id], ReadOptions(properties=["hs_timestamp"])
        )
        if not found:
            raise errors.call_not_found(engagement_id)

    # --- users' calling connections --------------------------------------------------------------------

    def connection_statuses(self, principal: Principal, user_ids: list[str]) -> dict[str, Any]:
        principal.require(Operation.CALLING_CONNECTIONS_READ)
        for user_id in user_ids:
            if not user_id.isdigit() or len(user_id) > 18:
                raise errors.invalid("userId", "must be a whole number")
        return {"results": [_connection(int(user_id)) for user_id in user_ids]}

    def batch_connection_statuses(self, principal: Principal, body: UserIds) -> dict[str, Any]:
        return self.connection_statuses(principal, [item.get("id", "") for item in body.inputs])

    def my_connection_status(self, principal: Principal) -> dict[str, Any]:
        principal.require(Operation.CALLING_CONNECTIONS_READ)
        return _connection(INSTALLING_USER["user_id"])


PHONES = ("phone", "mobilephone")


def _connection(user_id: int) -> dict[str, Any]:
    """localspot has no users signed in to a calling provider: each user reads as not connected."""
    return {"userId": str(user_id), "connected": False}


def _call_properties(body: InboundCall, now: str) -> dict[str, Any]:
    status = STATUS_OF_CALL.get(body.final_call_status, body.final_call_status)
    properties: dict[str, Any] = {
        "hs_call_direction": "INBOUND",
        "hs_call_from_number": body.from_number.e164_number,
        "hs_call_to_number": body.to_number.e164_number,
        "hs_call_source": "INTEGRATIONS_PLATFORM",
        "hs_timestamp": body.call_started_timestamp or now,
        "hs_call_status": status,
        "hs_call_duration": None if body.duration_seconds is None else str(body.duration_seconds * 1000),
    }
    properties = {name: value for name, value in properties.items() if value is not None}
    return {**properties, **body.engagement_properties}
