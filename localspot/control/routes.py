"""`/_localspot/...`: the admin API's routes. Every handler runs through `Api.respond` with the admin access
check, so its errors are HubSpot's envelope like any other answer."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from localspot.control import errors
from localspot.control.clock import ClockAdmin, ClockSetting
from localspot.control.faults import FaultAdmin, FaultCreate
from localspot.control.journal import Journal, parse_filters
from localspot.control.portal_format import decode_document
from localspot.control.portals import OwnerCreate, PortalAdmin, PortalCreate, TokenCreate
from localspot.control.rate_limits import RateLimits, RateLimitSetting
from localspot.control.records import RecordRestore
from localspot.control.seed import Seeder, decode_seed
from localspot.control.snapshots import DatabaseCopy, SnapshotAdmin, SnapshotCreate
from localspot.control.transfer import Transfer
from localspot.kernel.web.api import Api, Call, Handler

MAX_PORTAL_ID_DIGITS = 16


def portal_id_of(call: Call) -> int:
    raw = call.path["portalId"]
    if not raw.isdigit() or len(raw) > MAX_PORTAL_ID_DIGITS:
        raise errors.portal_not_found(raw)
    return int(raw)


def _import_mode(call: Call) -> str:
    mode = call.query.text("mode") or "replace"
    if mode not in ("replace", "merge"):
        raise errors.invalid_admin_input("mode", f"expected replace or merge, got {mode!r}")
    return mode


def routes(
    api: Api,
    portals: PortalAdmin,
    snapshots: SnapshotAdmin,
    seeder: Seeder,
    clock: ClockAdmin,
    transfer: Transfer,
    traffic: tuple[FaultAdmin, RateLimits, Journal],
    records: RecordRestore,
) -> list[BaseRoute]:
    faults, rate_limits, journal = traffic

    def route(path: str, method: str, handler: Handler) -> Route:
        return Route(path, api.endpoint(handler), methods=[method])

    return [
        route("/portals", "POST", lambda c: portals.create(c.body(PortalCreate))),
        route("/portals", "GET", lambda c: portals.list()),
        route("/portals/{portalId}", "GET", lambda c: portals.get(portal_id_of(c))),
        route("/portals/{portalId}", "DELETE", lambda c: portals.delete(portal_id_of(c))),
        route("/portals/{portalId}/reset", "POST", lambda c: portals.reset(portal_id_of(c))),
        route(
            "/portals/{portalId}/tokens",
            "POST",
            lambda c: portals.create_token(
                portal_id_of(c), c.body(TokenCreate) if c.raw_body.strip() else TokenCreate()
            ),
        ),
        route("/tokens/{token}", "DELETE", lambda c: portals.revoke_token(c.path["token"])),
        route(
            "/portals/{portalId}/owners", "POST", lambda c: portals.create_owner(portal_id_of(c), c.body(OwnerCreate))
        ),
        route(
            "/portals/{portalId}/seed",
            "POST",
            lambda c: seeder.seed(portal_id_of(c), decode_seed(c.body(dict[str, Any]))),
        ),
        route("/portals/{portalId}/export", "GET", lambda c: transfer.export(portal_id_of(c))),
        route(
            "/portals/{portalId}/import",
            "POST",
            lambda c: transfer.import_(portal_id_of(c), decode_document(c.body(Any)), merge=_import_mode(c) == "merge"),
        ),
        route(
            "/portals/{portalId}/snapshots",
            "POST",
            lambda c: snapshots.create(portal_id_of(c), c.body(SnapshotCreate)),
        ),
        route("/portals/{portalId}/snapshots", "GET", lambda c: snapshots.list(portal_id_of(c))),
        route(
            "/portals/{portalId}/snapshots/{name}/restore",
            "POST",
            lambda c: snapshots.restore(portal_id_of(c), c.path["name"]),
        ),
        route(
            "/portals/{portalId}/snapshots/{name}",
            "DELETE",
            lambda c: snapshots.delete(portal_id_of(c), c.path["name"]),
        ),
        route(
            "/portals/{portalId}/objects/{objectType}/{objectId}/restore",
            "POST",
            lambda c: records.restore(portal_id_of(c), c.path["objectType"], c.path["objectId"]),
        ),
        route("/snapshot", "POST", lambda c: snapshots.copy_database(c.body(DatabaseCopy))),
        route("/clock", "GET", lambda c: clock.get()),
        route("/clock", "PUT", lambda c: clock.put(c.body(ClockSetting))),
        route("/clock", "DELETE", lambda c: clock.delete()),
        route("/faults", "POST", lambda c: faults.create(c.body(FaultCreate))),
        route("/faults", "GET", lambda c: faults.list()),
        route("/faults", "DELETE", lambda c: faults.delete_all()),
        route("/faults/{faultId}", "GET", lambda c: faults.get(c.path["faultId"])),
        route("/faults/{faultId}", "DELETE", lambda c: faults.delete(c.path["faultId"])),
        route("/requests", "GET", lambda c: journal.find(**parse_filters(c.query))),
        route("/requests", "DELETE", lambda c: journal.clear()),
        route("/portals/{portalId}/rate-limits", "GET", lambda c: rate_limits.get(portal_id_of(c))),
        route(
            "/portals/{portalId}/rate-limits",
            "PUT",
            lambda c: rate_limits.put(portal_id_of(c), c.body(RateLimitSetting)),
        ),
        route("/portals/{portalId}/rate-limits", "DELETE", lambda c: rate_limits.delete(portal_id_of(c))),
    ]
