"""Mounting an area's routes under each prefix it is served at, and the answers for what no route takes."""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from localspot.kernel.errors import internal_error
from localspot.kernel.errors import routing as errors
from localspot.kernel.web.responses import error_response
from localspot.kernel.web.router import IndexedRouter

# HubSpot's date versions, beside the classic v3/v4 paths: `/crm/objects/2026-03/contacts`.
DATE_VERSIONS = ("2025-09", "2026-03", "2026-09")
_DATE_VERSION = re.compile(r"^/[^?]*?/(\d{4}-\d{2}(?:-[a-z]+)?)(?:/|$)")


def versioned(prefixes: tuple[str, ...]) -> tuple[str, ...]:
    """The prefixes with each `{version}` template once for every date version."""
    expanded: list[str] = []
    for prefix in prefixes:
        if "{version}" in prefix:
            expanded.extend(prefix.replace("{version}", version) for version in DATE_VERSIONS)
        else:
            expanded.append(prefix)
    return tuple(expanded)


def under_prefixes(areas: list[tuple[list[BaseRoute], tuple[str, ...]]]) -> list[BaseRoute]:
    """Each area's routes under every prefix it is served at, as one `Mount` per prefix holding the routes
    of every area served there, in order: a request is matched against the prefixes first (the longest that
    matches), then against one prefix's routes only, so the many prefixes (classic and each date version)
    cost no more per request than one. An area's root ("/") answers both with and without the trailing
    slash: the spec says `/crm/v3/owners`, the clients call `/crm/v3/owners/`, and neither client should
    have to follow a redirect."""
    roots: list[BaseRoute] = []
    by_prefix: dict[str, list[BaseRoute]] = {}
    for area, prefixes in areas:
        for prefix in prefixes:
            for route in area:
                assert isinstance(route, Route)
                if route.path == "/":
                    # The mount takes `prefix/`; `prefix` alone is a route of its own, outside it.
                    roots.append(Route(prefix, route.endpoint, methods=route.methods))
                by_prefix.setdefault(prefix, []).append(route)
    # The longest prefixes first: a mount takes every path under its prefix, so `/crm/v3` (the schemas'
    # alias) must come after `/crm/v3/objects` and every other prefix it begins.
    mounts = sorted(by_prefix.items(), key=lambda item: -len(item[0]))
    return [*roots, *(Mount(prefix, app=IndexedRouter(routes)) for prefix, routes in mounts)]


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404 and 405, as HubSpot's error bodies."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        response = error_response(errors.method_not_allowed(request.method, request.url.path))
        # RFC 9110: a 405 lists the methods the route takes (Starlette puts them on the exception).
        response.headers.update(exc.headers or {})
        return response
    version = _DATE_VERSION.match(request.url.path)
    if version is not None and version.group(1) not in DATE_VERSIONS:
        return error_response(errors.unknown_api_version(version.group(1), DATE_VERSIONS))
    return error_response(errors.not_found_route(request.url.path))


async def unexpected(request: Request, exc: Exception) -> Response:
    return error_response(internal_error())
