"""The indexed router picks, for every route's own path and for paths no route takes, the route Starlette's
ordered walk picks (the same first full match, the same first partial match that answers 405)."""

from __future__ import annotations

import re

import pytest
from starlette.routing import BaseRoute, Match, Mount, Route, Router

from localspot.app import create_app
from localspot.config import Settings
from localspot.kernel.web.router import IndexedRouter
from tests.support.in_process import services_on

METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")
_PARAM = re.compile(r"\{([^}:]+)(?::([^}]+))?\}")
NO_ROUTE = [
    "/",
    "//",
    "/nothing-here-7f3a",
    "/crm",
    "/crm/",
    "/crm/v9/objects/contacts",
    "/crm/v3",
    "/crm/v3/",
    "/crm/v3/objects",
    "/crm/v3/objects/",
    "/crm/objects/2019-01/contacts",
    "/_localspot",
    "/_localspot/",
    "/_localspot/ui",
    "/crm/v3/objects/contacts/",
    "/crm/v3/objects/contacts/9183746501/extra/segments/here",
    "/contacts/v1/nowhere-7f3a",
]


@pytest.fixture(scope="module")
def router(tmp_path_factory):
    path = tmp_path_factory.mktemp("router") / "db.sqlite"
    services = services_on(path)
    app = create_app(next(services), Settings(admin_token="router-test-admin-token"))
    yield app.app.router
    next(services, None)


def concrete(template: str) -> str:
    """The template with each parameter given a value its convertor takes."""

    def value(match: re.Match[str]) -> str:
        return {"int": "9183746501", "path": "a/b", "float": "1.5"}.get(match.group(2) or "", "x9183746501")

    return _PARAM.sub(value, template)


def samples(routes: list[BaseRoute], prefix: str = "") -> list[str]:
    found: list[str] = []
    for route in routes:
        if isinstance(route, Mount):
            found.append(concrete(prefix + route.path))
            found.extend(samples(route.routes, prefix + route.path))
        elif isinstance(route, Route):
            found.append(concrete(prefix + route.path))
    return found


def resolve(router: Router, scope: dict, *, indexed: bool) -> list[tuple[int, Match]]:
    """The chain of (route position, match) the router and its mounts' routers pick for the scope."""
    routes = router.routes
    walk = router.candidates(scope["path"][len(scope.get("root_path", "")) :] or "/") if indexed else routes
    partial = None
    for route in walk:
        match, child = route.matches(scope)
        if match is Match.FULL:
            return [(routes.index(route), match), *descend(route, {**scope, **child}, indexed=indexed)]
        if match is Match.PARTIAL and partial is None:
            partial = (route, child)
    if partial is not None:
        route, child = partial
        return [(routes.index(route), Match.PARTIAL), *descend(route, {**scope, **child}, indexed=indexed)]
    return []


def descend(route: BaseRoute, scope: dict, *, indexed: bool) -> list[tuple[int, Match]]:
    if isinstance(route, Mount):
        inner = route.app
        assert isinstance(inner, IndexedRouter)
        return resolve(inner, scope, indexed=indexed)
    return []


def scope_of(path: str, method: str) -> dict:
    return {"type": "http", "path": path, "root_path": "", "method": method, "headers": [], "query_string": b""}


def test_the_server_routes_through_indexed_routers(router):
    assert isinstance(router, IndexedRouter)
    assert len(router.routes) > 100
    assert any(isinstance(route, Mount) and route.path == "/crm/v3/objects" for route in router.routes)


def test_every_route_resolves_as_starlette_resolves_it(router):
    paths = samples(router.routes)
    assert len(paths) > 500
    differ = []
    for path in [*paths, *NO_ROUTE]:
        for method in METHODS:
            scope = scope_of(path, method)
            expected = resolve(router, scope, indexed=False)
            if resolve(router, scope_of(path, method), indexed=True) != expected:
                differ.append((method, path))
    assert differ == []


def test_each_route_is_found_where_it_stands(router):
    # A sample path of each top-level route resolves to that route or to one before it that also takes it.
    for position, route in enumerate(router.routes):
        if not isinstance(route, Route):
            continue
        method = sorted(route.methods or {"GET"})[0]
        chain = resolve(router, scope_of(concrete(route.path), method), indexed=True)
        assert chain and chain[0][0] <= position and chain[0][1] is Match.FULL, route.path


def test_candidates_leave_out_only_routes_that_cannot_match():
    async def endpoint(request):  # pragma: no cover - never called
        raise AssertionError

    routes = [
        Route("/a/b", endpoint, methods=["GET"]),
        Route("/{any}/b", endpoint, methods=["GET"]),
        Mount("/a", app=IndexedRouter([Route("/c", endpoint, methods=["POST"])])),
        Route("/z", endpoint, methods=["GET"]),
        Mount("", app=IndexedRouter([Route("/q", endpoint)])),
    ]
    router = IndexedRouter(routes)
    assert router.candidates("/a/b") == [routes[0], routes[1], routes[2], routes[4]]
    assert router.candidates("/x/b") == [routes[1], routes[4]]
    assert router.candidates("/a/c/d") == [routes[2], routes[4]]  # `/{any}/b` takes two segments only
    assert router.candidates("/a") == [routes[2], routes[4]]
    assert router.candidates("/z") == [routes[3], routes[4]]
    assert router.candidates("/q") == [routes[4]]
    assert router.candidates("/") == [routes[4]]


def test_a_parameter_that_spans_segments_makes_a_prefix():
    async def endpoint(request):  # pragma: no cover - never called
        raise AssertionError

    routes = [
        Route("/files/{rest:path}", endpoint, methods=["GET"]),
        Route("/files/{id:int}", endpoint, methods=["GET"]),
        Route("/{a}/{b}/{c}", endpoint, methods=["GET"]),
    ]
    router = IndexedRouter(routes)
    assert router.candidates("/files/1") == [routes[0], routes[1]]
    assert router.candidates("/files/a/b") == [routes[0], routes[2]]
    assert router.candidates("/files/a/b/c/d/e") == [routes[0]]
    assert router.candidates("/other/a/b") == [routes[2]]
