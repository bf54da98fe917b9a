"""The ASGI application: every API area mounted under each path family HubSpot's clients use."""

from __future__ import annotations

from collections.abc import Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from localspot import errors
from localspot.http.api import DEFAULT_MAX_BODY_BYTES, Api
from localspot.http.responses import error_response, json_response
from localspot.http.routes import associations, object_schemas, objects, owners, pipelines, properties, search
from localspot.service import Services

# Each API area, with every prefix it is served under (classic and date-versioned).
AREAS: list[tuple[Callable[[Api], list[BaseRoute]], tuple[str, ...]]] = [
    (objects.routes, ("/crm/v3/objects", "/crm/objects/2026-03")),
    (properties.routes, ("/crm/v3/properties", "/crm/properties/2026-03")),
    (object_schemas.routes, ("/crm-object-schemas/v3", "/crm-object-schemas/2026-03")),
    (owners.routes, ("/crm/v3/owners", "/crm/owners/2026-03")),
    (pipelines.routes, ("/crm/v3/pipelines", "/crm/pipelines/2026-03")),
    (associations.routes, ("/crm/v4/associations", "/crm/associations/v4", "/crm/associations/2026-03")),
    (associations.record_routes, ("/crm/v4/objects", "/crm/objects/2026-03")),
    (associations.v3_routes, ("/crm/v3/associations",)),
    (search.routes, ("/crm/v3/objects", "/crm/objects/2026-03")),
]


def create_app(services: Services, *, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> Starlette:
    api = Api(services, max_body_bytes=max_body_bytes)

    async def health(request: Request) -> Response:
        return json_response({"status": "ok", "backend": services.database.dialect.name})

    routes: list[BaseRoute] = [Route("/_localspot/health", health, methods=["GET"])]
    for build, prefixes in AREAS:
        routes.extend(_under_prefixes(build(api), prefixes))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 405:
            return error_response(errors.method_not_allowed(request.method, request.url.path))
        return error_response(errors.not_found_route(request.url.path))

    async def unexpected(request: Request, exc: Exception) -> Response:
        return error_response(errors.internal_error())

    return Starlette(routes=routes, exception_handlers={HTTPException: http_error, Exception: unexpected})


def _under_prefixes(area: list[BaseRoute], prefixes: tuple[str, ...]) -> list[Route]:
    """Each route of an area under every prefix. An area's root ("/") answers both with and without the
    trailing slash: the spec says `/crm/v3/owners`, the clients call `/crm/v3/owners/`, and neither client
    should have to follow a redirect."""
    flat: list[Route] = []
    for prefix in prefixes:
        for route in area:
            assert isinstance(route, Route)
            paths = [prefix, prefix + "/"] if route.path == "/" else [prefix + route.path]
            flat.extend(Route(path, route.endpoint, methods=route.methods, name=None) for path in paths)
    return flat
