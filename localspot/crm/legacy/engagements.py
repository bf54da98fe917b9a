"""Engagements v1: the notes, calls, emails, meetings and tasks of a portal as one collection of
engagements, in the legacy shape (`engagement`, `associations`, `attachments`, `metadata`)."""

from __future__ import annotations

from typing import Any

from localspot.crm.legacy.records import LegacyRecords, Page, Wanted
from localspot.crm.legacy.shapes import associated_ids, ms
from localspot.kernel import errors
from localspot.kernel.portals.principal import Principal

# Each engagement type's modern object type, and its `metadata` keys with the properties they show.
TYPES: dict[str, tuple[str, dict[str, str]]] = {
    "notes": ("NOTE", {"body": "hs_note_body"}),
    "calls": (
        "CALL",
        {
            "body": "hs_call_body",
            "title": "hs_call_title",
            "status": "hs_call_status",
            "durationMilliseconds": "hs_call_duration",
            "disposition": "hs_call_disposition",
            "fromNumber": "hs_call_from_number",
            "toNumber": "hs_call_to_number",
            "recordingUrl": "hs_call_recording_url",
        },
    ),
    "emails": (
        "EMAIL",
        {"subject": "hs_email_subject", "html": "hs_email_html", "text": "hs_email_text", "status": "hs_email_status"},
    ),
    "meetings": (
        "MEETING",
        {
            "body": "hs_meeting_body",
            "title": "hs_meeting_title",
            "startTime": "hs_meeting_start_time",
            "endTime": "hs_meeting_end_time",
            "meetingOutcome": "hs_meeting_outcome",
            "location": "hs_meeting_location",
        },
    ),
    "tasks": (
        "TASK",
        {
            "body": "hs_task_body",
            "subject": "hs_task_subject",
            "status": "hs_task_status",
            "priority": "hs_task_priority",
            "taskType": "hs_task_type",
        },
    ),
}
_TIMES = frozenset({"hs_meeting_start_time", "hs_meeting_end_time"})
_NUMBERS = frozenset({"hs_call_duration"})
_EMAIL_PEOPLE = {"from": "hs_email_from_", "to": "hs_email_to_"}
_EVERYTHING = Wanted(None, associations=True)


def _metadata(type_name: str, values: dict[str, Any]) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    for key, name in TYPES[type_name][1].items():
        raw = values.get(name)
        if raw in (None, ""):
            continue
        if name in _TIMES:
            metadata[key] = ms(raw)
        elif name in _NUMBERS:
            metadata[key] = int(float(raw))
        else:
            metadata[key] = raw
    if type_name == "emails":
        for key, prefix in _EMAIL_PEOPLE.items():
            person = {
                "email": values.get(f"{prefix}email"),
                "firstName": values.get(f"{prefix}firstname"),
                "lastName": values.get(f"{prefix}lastname"),
            }
            person = {k: v for k, v in person.items() if v}
            if person:
                metadata[key] = person if key == "from" else [person]
    return metadata


def engagement(type_name: str, record: dict[str, Any], portal_id: int) -> dict[str, Any]:
    values = record["properties"]
    owner = values.get("hubspot_owner_id")
    return {
        "engagement": {
            "id": int(record["id"]),
            "portalId": portal_id,
            "active": not record["archived"],
            "createdAt": ms(record["createdAt"]),
            "lastUpdated": ms(record["updatedAt"]),
            "ownerId": int(owner) if owner and owner.isdigit() else None,
            "type": TYPES[type_name][0],
            "timestamp": ms(values["hs_timestamp"]) if values.get("hs_timestamp") else ms(record["createdAt"]),
            "bodyPreview": values.get("hs_body_preview"),
        },
        "associations": {
            "contactIds": associated_ids(record, "contacts"),
            "companyIds": associated_ids(record, "companies"),
            "dealIds": associated_ids(record, "deals"),
            "ownerIds": [],
            "workflowIds": [],
            "ticketIds": associated_ids(record, "tickets"),
        },
        "attachments": [],
        "metadata": _metadata(type_name, values),
    }


class LegacyEngagements:
    def __init__(self, records: LegacyRecords) -> None:
        self.records = records

    def paged(self, principal: Principal, *, limit: int, offset: int | None) -> dict[str, Any]:
        """Every type's records in one id order (the ids come from one sequence)."""
        pages = {t: self.records.page(principal, t, _EVERYTHING, limit=limit, offset=offset) for t in TYPES}
        merged = sorted(((int(r["id"]), t, r) for t, p in pages.items() for r in p.records), key=lambda k: k[0])
        taken = merged[:limit]
        results = [engagement(t, r, principal.portal_id) for _, t, r in taken]
        has_more = len(merged) > limit or any(p.has_more for p in pages.values())
        return {"results": results, "hasMore": has_more, "offset": taken[-1][0] if taken else (offset or 0)}

    def recent(self, principal: Principal, *, count: int, offset: int, since: int | None) -> dict[str, Any]:
        """Newest first across the types, from the `offset`th on."""
        pages = {
            t: self.records.recent(principal, t, _EVERYTHING, count=offset + count, offset=0, since=since)
            for t in TYPES
        }
        merged = _newest_first(pages)
        results = [engagement(t, r, principal.portal_id) for t, r in merged[offset : offset + count]]
        total = sum(p.total for p in pages.values())
        return {
            "results": results,
            "hasMore": offset + len(results) < total,
            "offset": offset + len(results),
            "total": total,
        }

    def modified_after(self, principal: Principal, *, limit: int, after: str | None) -> dict[str, Any]:
        """Oldest first from a cursor: epoch ms (records modified at or after it), or the `after` a page
        answered (`<ms>-<id>`: the records after that one)."""
        since, last_id = _cursor(after)
        pages = {t: self.records.modified_after(principal, t, _EVERYTHING, count=limit + 1, since=since) for t in TYPES}
        merged = sorted(
            ((ms(r["updatedAt"]) or 0, int(r["id"]), t, r) for t, p in pages.items() for r in p.records),
            key=lambda k: (k[0], k[1]),
        )
        if last_id is not None:
            merged = [k for k in merged if (k[0], k[1]) > (since, last_id)]
        taken = merged[:limit]
        results = [engagement(t, r, principal.portal_id) for _, _, t, r in taken]
        has_more = len(merged) > limit or any(p.has_more for p in pages.values())
        cursor = f"{taken[-1][0]}-{taken[-1][1]}" if taken else (after or str(since))
        return {"results": results, "hasMore": has_more, "after": cursor}


def _newest_first(pages: dict[str, Page]) -> list[tuple[str, dict[str, Any]]]:
    keyed = [(ms(r["updatedAt"]) or 0, int(r["id"]), t, r) for t, p in pages.items() for r in p.records]
    keyed.sort(key=lambda k: (-k[0], -k[1]))
    return [(t, r) for _, _, t, r in keyed]


def _cursor(after: str | None) -> tuple[int, int | None]:
    text = (after or "0").strip()
    head, _, tail = text.partition("-")
    if not head.isdigit() or (tail and not tail.isdigit()) or len(head) > 15 or len(tail) > 18:
        raise errors.validation_error(f"Query parameter after must be a cursor this endpoint answered, got {after!r}.")
    return int(head), int(tail) if tail else None
