"""The legacy paths, one route list per path family (each served under its own prefixes, see app.py)."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from localspot.crm.legacy.catalog import LegacyCatalog
from localspot.crm.legacy.engagements import LegacyEngagements
from localspot.crm.legacy.objects import LegacyObjects
from localspot.crm.legacy.records import Wanted
from localspot.kernel import errors
from localspot.kernel.web.api import Api, Call, Handler, Outcome
from localspot.kernel.web.params import Query

# Larger page sizes are cut to the endpoint's largest, as HubSpot does, rather than refused.
_LARGEST = 10**9


def bounded(query: Query, name: str, default: int, maximum: int) -> int:
    return min(query.integer(name, default, minimum=1, maximum=_LARGEST), maximum)


def offset(query: Query, name: str = "offset") -> int | None:
    raw = query.text(name)
    return None if raw is None else query.integer(name, 0, minimum=0, maximum=10**18)


def stamp(query: Query, name: str) -> int | None:
    """An epoch-milliseconds parameter (`since`, `timeOffset`)."""
    raw = query.text(name)
    return None if raw is None else query.integer(name, 0, minimum=0, maximum=10**15)


def _listing(body: list[dict[str, Any]]) -> Outcome:
    """A bare JSON array (the legacy lists are not wrapped in an object)."""
    return (200, body)


def properties_routes(api: Api, catalog: LegacyCatalog) -> list[BaseRoute]:
    """`/properties/v1/{objectType}/…` and `/properties/v2/{objectType}/…`."""

    def property_list(call: Call) -> Outcome:
        return _listing(catalog.property_list(call.principal, call.path["objectType"]))

    def property_one(call: Call) -> Outcome:
        return catalog.property_one(call.principal, call.path["objectType"], call.path["name"])

    def group_list(call: Call) -> Outcome:
        with_properties = call.query.flag("includeProperties")
        return _listing(catalog.group_list(call.principal, call.path["objectType"], include_properties=with_properties))

    def group_one(call: Call) -> Outcome:
        with_properties = call.query.flag("includeProperties")
        return catalog.group_one(
            call.principal, call.path["objectType"], call.path["name"], include_properties=with_properties
        )

    return [
        Route("/{objectType}/properties", api.endpoint(property_list), methods=["GET"]),
        Route("/{objectType}/properties/named/{name}", api.endpoint(property_one), methods=["GET"]),
        Route("/{objectType}/groups", api.endpoint(group_list), methods=["GET"]),
        Route("/{objectType}/groups/named/{name}", api.endpoint(group_one), methods=["GET"]),
    ]


def _record_wanted(query: Query, *, everything: bool, associations: bool) -> Wanted:
    """Companies v2 and deals v1: the named `properties` and `propertiesWithHistory` (every property when
    `everything`), each value's every version for the latter, or for all with `includePropertyVersions`."""
    named = query.values("properties") or []
    with_history = query.values("propertiesWithHistory") or []
    every_version = query.flag("includePropertyVersions")
    properties = None if everything else list(dict.fromkeys([*named, *with_history]))
    history = frozenset(with_history)
    if every_version:
        history = frozenset(properties) if properties is not None else frozenset({"*"})
    return Wanted(properties, history, associations)


def _recent(objects: LegacyObjects, type_name: str, default_count: int) -> Handler:
    """The recently modified records of a type: `count` (at most 100), `offset`, `since` (epoch ms)."""

    def handle(call: Call) -> Outcome:
        return objects.recent(
            call.principal,
            type_name,
            _record_wanted(call.query, everything=True, associations=type_name == "deals"),
            count=bounded(call.query, "count", default_count, 100),
            offset=offset(call.query) or 0,
            since=stamp(call.query, "since"),
        )

    return handle


def companies_routes(api: Api, catalog: LegacyCatalog, objects: LegacyObjects) -> list[BaseRoute]:
    """`/companies/v2/…`."""

    def property_list(call: Call) -> Outcome:
        return _listing(catalog.property_list(call.principal, "companies"))

    def group_list(call: Call) -> Outcome:
        with_properties = call.query.flag("includeProperties")
        return _listing(catalog.group_list(call.principal, "companies", include_properties=with_properties))

    def paged(call: Call) -> Outcome:
        wanted = _record_wanted(call.query, everything=False, associations=False)
        limit = bounded(call.query, "limit", 100, 250)
        return objects.companies_paged(call.principal, wanted, limit=limit, offset=offset(call.query))

    def single(call: Call) -> Outcome:
        wanted = _record_wanted(call.query, everything=True, associations=False)
        return objects.company_one(call.principal, call.path["companyId"], wanted)

    return [
        Route("/properties", api.endpoint(property_list), methods=["GET"]),
        Route("/groups", api.endpoint(group_list), methods=["GET"]),
        Route("/companies/paged", api.endpoint(paged), methods=["GET"]),
        Route("/companies/recent/modified", api.endpoint(_recent(objects, "companies", 100)), methods=["GET"]),
        Route("/companies/{companyId}", api.endpoint(single), methods=["GET"]),
    ]


def deals_routes(api: Api, catalog: LegacyCatalog, objects: LegacyObjects) -> list[BaseRoute]:
    """`/deals/v1/…`."""

    def paged(call: Call) -> Outcome:
        everything, associations = call.query.flag("includeAllProperties"), call.query.flag("includeAssociations")
        wanted = _record_wanted(call.query, everything=everything, associations=associations)
        limit = bounded(call.query, "limit", 100, 250)
        return objects.deals_paged(call.principal, wanted, limit=limit, offset=offset(call.query))

    def single(call: Call) -> Outcome:
        wanted = _record_wanted(call.query, everything=True, associations=True)
        return objects.deal_one(call.principal, call.path["dealId"], wanted)

    def pipelines(call: Call) -> Outcome:
        return _listing(catalog.deal_pipelines(call.principal))

    def pipeline(call: Call) -> Outcome:
        return catalog.deal_pipeline(call.principal, call.path["pipelineId"])

    return [
        Route("/deal/paged", api.endpoint(paged), methods=["GET"]),
        Route("/deal/recent/modified", api.endpoint(_recent(objects, "deals", 20)), methods=["GET"]),
        Route("/deal/{dealId}", api.endpoint(single), methods=["GET"]),
        Route("/pipelines", api.endpoint(pipelines), methods=["GET"]),
        Route("/pipelines/{pipelineId}", api.endpoint(pipeline), methods=["GET"]),
    ]


def _contact_view(query: Query) -> tuple[list[str] | None, bool]:
    mode = query.text("propertyMode") or "value_only"
    if mode not in ("value_only", "value_and_history"):
        raise errors.validation_error(f"propertyMode must be value_only or value_and_history, got {mode!r}.")
    return query.values("property"), mode == "value_and_history"


def contacts_routes(api: Api, objects: LegacyObjects) -> list[BaseRoute]:
    """`/contacts/v1/…`."""

    def all_contacts(call: Call) -> Outcome:
        shown, history = _contact_view(call.query)
        count = bounded(call.query, "count", 20, 100)
        return objects.contacts_all(
            call.principal, shown, history=history, count=count, vid_offset=offset(call.query, "vidOffset")
        )

    def recent(call: Call) -> Outcome:
        shown, history = _contact_view(call.query)
        return objects.contacts_recent(
            call.principal,
            shown,
            history=history,
            count=bounded(call.query, "count", 20, 100),
            time_offset=stamp(call.query, "timeOffset"),
            vid_offset=offset(call.query, "vidOffset"),
        )

    def profile(call: Call) -> Outcome:
        shown, history = _contact_view(call.query)
        return objects.contact_one(call.principal, call.path["vid"], shown, history=history)

    return [
        Route("/lists/all/contacts/all", api.endpoint(all_contacts), methods=["GET"]),
        Route("/lists/recently_updated/contacts/recent", api.endpoint(recent), methods=["GET"]),
        Route("/contact/vid/{vid}/profile", api.endpoint(profile), methods=["GET"]),
    ]


def engagements_routes(api: Api, engagements: LegacyEngagements) -> list[BaseRoute]:
    """`/engagements/v1/engagements/…`."""

    def paged(call: Call) -> Outcome:
        limit = bounded(call.query, "limit", 100, 250)
        return engagements.paged(call.principal, limit=limit, offset=offset(call.query))

    def recent(call: Call) -> Outcome:
        return engagements.recent(
            call.principal,
            count=bounded(call.query, "count", 20, 100),
            offset=offset(call.query) or 0,
            since=stamp(call.query, "since"),
        )

    def modified_after(call: Call) -> Outcome:
        limit = bounded(call.query, "limit", 100, 250)
        return engagements.modified_after(call.principal, limit=limit, after=call.query.text("after"))

    return [
        Route("/engagements/paged", api.endpoint(paged), methods=["GET"]),
        Route("/engagements/recent/modified", api.endpoint(recent), methods=["GET"]),
        Route("/engagements/modified/after", api.endpoint(modified_after), methods=["GET"]),
    ]


def owners_routes(api: Api, catalog: LegacyCatalog) -> list[BaseRoute]:
    """`/owners/v2/owners`."""

    def collection(call: Call) -> Outcome:
        include_inactive = call.query.flag("includeInactive")
        return _listing(
            catalog.owner_list(call.principal, email=call.query.text("email"), include_inactive=include_inactive)
        )

    def single(call: Call) -> Outcome:
        return catalog.owner_one(call.principal, call.path["ownerId"])

    return [
        Route("/owners", api.endpoint(collection), methods=["GET"]),
        Route("/owners/{ownerId}", api.endpoint(single), methods=["GET"]),
    ]


def pipelines_routes(api: Api, catalog: LegacyCatalog) -> list[BaseRoute]:
    """`/crm-pipelines/v1/pipelines/{objectType}`."""

    def collection(call: Call) -> Outcome:
        return catalog.crm_pipelines(call.principal, call.path["objectType"])

    return [Route("/pipelines/{objectType}", api.endpoint(collection), methods=["GET"])]
