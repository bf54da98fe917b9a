"""Mounting an area's routes under each prefix it is served at, and the answers for what no route takes."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from localspot.kernel import errors
from localspot.kernel.web.responses import error_response


def under_prefixes(area: list[BaseRoute], prefixes: tuple[str, ...]) -> list[Route]:
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


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404 and 405, as HubSpot's error bodies."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        response = error_response(errors.method_not_allowed(request.method, request.url.path))
        # RFC 9110: a 405 lists the methods the route takes (Starlette puts them on the exception).
        response.headers.update(exc.headers or {})
        return response
    return error_response(errors.not_found_route(request.url.path))


async def unexpected(request: Request, exc: Exception) -> Response:
    return error_response(errors.internal_error())
