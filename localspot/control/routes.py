"""`/_localspot/...`: the admin API's routes. Every operation runs through `Api.respond` with the admin access
check, so its errors are HubSpot's envelope like any other answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from localspot.control import errors
from localspot.control.clock import ClockAdmin, ClockSetting
from localspot.control.portals import OwnerCreate, PortalAdmin, PortalCreate, TokenCreate
from localspot.control.seed import Seeder, decode_seed
from localspot.control.snapshots import DatabaseCopy, SnapshotAdmin, SnapshotCreate
from localspot.kernel.web.api import Api

MAX_PORTAL_ID_DIGITS = 16


def portal_id_of(request: Request) -> int:
    raw = request.path_params["portalId"]
    if not raw.isdigit() or len(raw) > MAX_PORTAL_ID_DIGITS:
        raise errors.portal_not_found(raw)
    return int(raw)


def routes(
    api: Api,
    portals: PortalAdmin,
    snapshots: SnapshotAdmin,
    seeder: Seeder,
    clock: ClockAdmin,
) -> list[BaseRoute]:
    def endpoint(operation: Callable[[Request], Callable[..., Any]], body: type | None = None) -> Callable[..., Any]:
        async def handle(request: Request) -> Response:
            return await api.respond(request, operation(request), body=body)

        return handle

    async def seed(request: Request) -> Response:
        return await api.respond(
            request, lambda admin, raw: seeder.seed(portal_id_of(request), decode_seed(raw)), body=dict[str, Any]
        )

    return [
        Route("/portals", endpoint(lambda r: lambda admin, b: portals.create(b), PortalCreate), methods=["POST"]),
        Route("/portals", endpoint(lambda r: lambda admin: portals.list()), methods=["GET"]),
        Route("/portals/{portalId}", endpoint(lambda r: lambda admin: portals.get(portal_id_of(r))), methods=["GET"]),
        Route(
            "/portals/{portalId}",
            endpoint(lambda r: lambda admin: portals.delete(portal_id_of(r))),
            methods=["DELETE"],
        ),
        Route(
            "/portals/{portalId}/reset",
            endpoint(lambda r: lambda admin: portals.reset(portal_id_of(r))),
            methods=["POST"],
        ),
        Route(
            "/portals/{portalId}/tokens",
            endpoint(lambda r: lambda admin, b: portals.create_token(portal_id_of(r), b), TokenCreate),
            methods=["POST"],
        ),
        Route(
            "/tokens/{token}",
            endpoint(lambda r: lambda admin: portals.revoke_token(r.path_params["token"])),
            methods=["DELETE"],
        ),
        Route(
            "/portals/{portalId}/owners",
            endpoint(lambda r: lambda admin, b: portals.create_owner(portal_id_of(r), b), OwnerCreate),
            methods=["POST"],
        ),
        Route("/portals/{portalId}/seed", seed, methods=["POST"]),
        Route(
            "/portals/{portalId}/snapshots",
            endpoint(lambda r: lambda admin, b: snapshots.create(portal_id_of(r), b), SnapshotCreate),
            methods=["POST"],
        ),
        Route(
            "/portals/{portalId}/snapshots",
            endpoint(lambda r: lambda admin: snapshots.list(portal_id_of(r))),
            methods=["GET"],
        ),
        Route(
            "/portals/{portalId}/snapshots/{name}/restore",
            endpoint(lambda r: lambda admin: snapshots.restore(portal_id_of(r), r.path_params["name"])),
            methods=["POST"],
        ),
        Route(
            "/portals/{portalId}/snapshots/{name}",
            endpoint(lambda r: lambda admin: snapshots.delete(portal_id_of(r), r.path_params["name"])),
            methods=["DELETE"],
        ),
        Route(
            "/snapshot", endpoint(lambda r: lambda admin, b: snapshots.copy_database(b), DatabaseCopy), methods=["POST"]
        ),
        Route("/clock", endpoint(lambda r: lambda admin: clock.get()), methods=["GET"]),
        Route("/clock", endpoint(lambda r: lambda admin, b: clock.put(b), ClockSetting), methods=["PUT"]),
        Route("/clock", endpoint(lambda r: lambda admin: clock.delete()), methods=["DELETE"]),
    ]
