"""Contacts v1, companies v2 and deals v1: the legacy pages and records, in their legacy shapes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from localspot.crm.legacy.records import LegacyRecords, Page, Wanted
from localspot.crm.legacy.shapes import associated_ids, legacy_values, ms
from localspot.kernel import errors
from localspot.kernel.errors import ApiError
from localspot.kernel.portals.principal import Principal

# What contacts v1 returns of each contact when no `property` is named.
CONTACT_DEFAULTS = ("firstname", "lastname", "company", "lastmodifieddate")


def deal_not_found(deal_id: str) -> ApiError:
    return ApiError(404, "OBJECT_NOT_FOUND", f"Deal {deal_id} does not exist", context={"id": [deal_id]})


def company_not_found(company_id: str) -> ApiError:
    return ApiError(404, "OBJECT_NOT_FOUND", f"Company {company_id} does not exist", context={"id": [company_id]})


def contact_not_found(vid: str) -> ApiError:
    return ApiError(404, "OBJECT_NOT_FOUND", "contact does not exist", context={"id": [vid]})


def _found(run: Any, missing: ApiError) -> Page:
    """The page `run()` reads, with the legacy message when the record does not exist."""
    try:
        return run()
    except ApiError as error:
        if error.status == 404:
            raise missing from None
        raise


class LegacyObjects:
    def __init__(self, records: LegacyRecords) -> None:
        self.records = records

    # --- deals v1 --------------------------------------------------------------------------------------

    def deal(self, record: dict[str, Any], page: Page, wanted: Wanted, portal_id: int) -> dict[str, Any]:
        body: dict[str, Any] = {"portalId": portal_id, "dealId": int(record["id"]), "isDeleted": record["archived"]}
        if wanted.associations:
            body["associations"] = {
                "associatedVids": associated_ids(record, "contacts"),
                "associatedCompanyIds": associated_ids(record, "companies"),
                "associatedDealIds": associated_ids(record, "deals"),
                "associatedTicketIds": associated_ids(record, "tickets"),
            }
        body["properties"] = legacy_values(record, page.types, all_versions=wanted.history, versions=True)
        body["imports"] = []
        body["stateChanges"] = []
        return body

    def deals_paged(self, principal: Principal, wanted: Wanted, *, limit: int, offset: int | None) -> dict[str, Any]:
        page = self.records.page(principal, "deals", wanted, limit=limit, offset=offset)
        deals = [self.deal(r, page, wanted, principal.portal_id) for r in page.records]
        return {"deals": deals, "hasMore": page.has_more, "offset": _last_id(page, offset)}

    def deal_one(self, principal: Principal, deal_id: str, wanted: Wanted) -> dict[str, Any]:
        page = _found(lambda: self.records.one(principal, "deals", _numeric(deal_id), wanted), deal_not_found(deal_id))
        return self.deal(page.records[0], page, wanted, principal.portal_id)

    # --- companies v2 ----------------------------------------------------------------------------------

    def company(self, record: dict[str, Any], page: Page, wanted: Wanted, portal_id: int) -> dict[str, Any]:
        return {
            "portalId": portal_id,
            "companyId": int(record["id"]),
            "isDeleted": record["archived"],
            "properties": legacy_values(record, page.types, all_versions=wanted.history, versions=True),
            "additionalDomains": [],
            "stateChanges": [],
            "mergeAudits": [],
        }

    def companies_paged(
        self, principal: Principal, wanted: Wanted, *, limit: int, offset: int | None
    ) -> dict[str, Any]:
        page = self.records.page(principal, "companies", wanted, limit=limit, offset=offset)
        companies = [self.company(r, page, wanted, principal.portal_id) for r in page.records]
        return {"companies": companies, "has-more": page.has_more, "offset": _last_id(page, offset)}

    # --- both: recently modified ---------------------------------------------------------------------

    def recent(
        self, principal: Principal, type_name: str, wanted: Wanted, *, count: int, offset: int, since: int | None
    ) -> dict[str, Any]:
        """`/deals/v1/deal/recent/modified` and `/companies/v2/companies/recent/modified`."""
        shape = self.deal if type_name == "deals" else self.company
        page = self.records.recent(principal, type_name, wanted, count=count, offset=offset, since=since)
        results = [shape(r, page, wanted, principal.portal_id) for r in page.records]
        return {"results": results, "hasMore": page.has_more, "offset": offset + len(results), "total": page.total}

    def company_one(self, principal: Principal, company_id: str, wanted: Wanted) -> dict[str, Any]:
        page = _found(
            lambda: self.records.one(principal, "companies", _numeric(company_id), wanted),
            company_not_found(company_id),
        )
        return self.company(page.records[0], page, wanted, principal.portal_id)

    # --- contacts v1 -----------------------------------------------------------------------------------

    def contact(
        self, record: dict[str, Any], page: Page, shown: Sequence[str], history: bool, portal_id: int, added_at: int
    ) -> dict[str, Any]:
        vid = int(record["id"])
        created = ms(record["createdAt"]) or 0
        visible = {"properties": {k: v for k, v in record["properties"].items() if k in shown}}
        if "propertiesWithHistory" in record:
            visible["propertiesWithHistory"] = record["propertiesWithHistory"]
        visible["updatedAt"] = record["updatedAt"]
        versions = frozenset(shown) if history else frozenset()
        identities = [{"type": "LEAD_GUID", "value": f"localspot-{vid}", "timestamp": created}]
        email = record["properties"].get("email")
        if email:
            identities.insert(0, {"type": "EMAIL", "value": email, "timestamp": created, "is-primary": True})
        return {
            "addedAt": added_at,
            "vid": vid,
            "canonical-vid": vid,
            "merged-vids": [],
            "portal-id": portal_id,
            "is-contact": True,
            "properties": legacy_values(visible, page.types, all_versions=versions, versions=False),
            "form-submissions": [],
            "identity-profiles": [
                {"vid": vid, "saved-at-timestamp": created, "deleted-changed-timestamp": 0, "identities": identities}
            ],
            "merge-audits": [],
        }

    def contacts_all(
        self, principal: Principal, shown: Sequence[str] | None, *, history: bool, count: int, vid_offset: int | None
    ) -> dict[str, Any]:
        names = list(shown or CONTACT_DEFAULTS)
        wanted = Wanted([*names, "email"])
        page = self.records.page(principal, "contacts", wanted, limit=count, offset=vid_offset)
        contacts = [
            self.contact(r, page, names, history, principal.portal_id, ms(r["createdAt"]) or 0) for r in page.records
        ]
        return {"contacts": contacts, "has-more": page.has_more, "vid-offset": _last_id(page, vid_offset)}

    def contacts_recent(
        self,
        principal: Principal,
        shown: Sequence[str] | None,
        *,
        history: bool,
        count: int,
        time_offset: int | None,
        vid_offset: int | None,
    ) -> dict[str, Any]:
        names = list(shown or CONTACT_DEFAULTS)
        wanted = Wanted([*names, "email"])
        page = self.records.before(
            principal, "contacts", wanted, count=count, time_offset=time_offset, id_offset=vid_offset
        )
        contacts = [
            self.contact(r, page, names, history, principal.portal_id, ms(r["updatedAt"]) or 0) for r in page.records
        ]
        last = contacts[-1] if contacts else None
        return {
            "contacts": contacts,
            "has-more": page.has_more,
            "vid-offset": last["vid"] if last else (vid_offset or 0),
            "time-offset": last["addedAt"] if last else (time_offset or 0),
        }

    def contact_one(
        self, principal: Principal, vid: str, shown: Sequence[str] | None, *, history: bool
    ) -> dict[str, Any]:
        wanted = Wanted(None if shown is None else [*shown, "email"])
        page = _found(lambda: self.records.one(principal, "contacts", _numeric(vid), wanted), contact_not_found(vid))
        record = page.records[0]
        names = list(shown) if shown is not None else list(record["properties"])
        return self.contact(record, page, names, history, principal.portal_id, ms(record["createdAt"]) or 0)


def _last_id(page: Page, offset: int | None) -> int:
    """The legacy `offset` of the next page: the last record's id (the one given when the page is empty)."""
    return int(page.records[-1]["id"]) if page.records else (offset or 0)


def _numeric(record_id: str) -> str:
    """Legacy ids are numbers: anything else is a record that does not exist."""
    if not record_id.isdigit() or len(record_id) > 18:
        raise errors.object_not_found(record_id)
    return record_id
