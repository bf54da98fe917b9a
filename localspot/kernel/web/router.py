"""A Starlette router that finds a request's route without walking every route before it.

Starlette's `Router` tries its routes in order; with every area mounted under its classic and date-version
prefixes the server has ~170 top-level routes, and `/crm/v3/objects` comes ~150th: the walk was a third of a
single create's time (#18). `IndexedRouter` answers exactly as Starlette's router does (the same first full
match, the same first partial match for a 405, the same trailing-slash redirect and 404), but tries only the
routes that can match, still in their original order. A route's path template is a list of segments, each a
literal or a parameter that matches within one segment (`str`, `int`, `float`, `uuid`): such a route can
match only a path of as many segments with the same literals where it has them. A mount, or a route with a
parameter that may span segments (`path`, or a convertor of the app's own), can match only a path that
begins with its literal leading segments. The candidates of a path depend only on which of its segments are
some route's literal at that position, and on its length: that is the key they are remembered by.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starlette._utils import get_route_path
from starlette.convertors import FloatConvertor, IntegerConvertor, StringConvertor, UUIDConvertor
from starlette.routing import BaseRoute, Match, Mount, Route, Router
from starlette.types import Receive, Scope, Send

_CACHE_LIMIT = 4096  # distinct path keys remembered (the rest are computed per request)
_WITHIN_A_SEGMENT = (StringConvertor, IntegerConvertor, FloatConvertor, UUIDConvertor)
_ANY = None  # a segment no route has as a literal at its position (or a parameter's place in a shape)


@dataclass(frozen=True, slots=True)
class Shape:
    """What paths a route can match: `segments` (a literal, or _ANY for a parameter) exactly, or, when
    not `exact`, as the leading segments of a path at least as long."""

    segments: tuple[str | None, ...]
    exact: bool

    def takes(self, key: tuple[str | None, ...], length: int) -> bool:
        if (length != len(self.segments)) if self.exact else (length < len(self.segments)):
            return False
        return all(literal is _ANY or literal == given for literal, given in zip(self.segments, key, strict=False))


def shape(route: BaseRoute) -> Shape | None:
    """The route's shape, or None when it matches on something else than its path (a host, a custom
    route) and is a candidate for every path."""
    if isinstance(route, Mount):
        path, exact = route.path, False
    elif isinstance(route, Route):
        path, exact = route.path, True
        if not all(isinstance(c, _WITHIN_A_SEGMENT) for c in route.param_convertors.values()):
            path, exact = path.split("{", 1)[0].rpartition("/")[0], False  # up to the first parameter
    else:
        return None
    if path == "":
        return Shape((), exact=False)
    return Shape(tuple(_ANY if "{" in segment else segment for segment in path[1:].split("/")), exact)


class IndexedRouter(Router):
    def __init__(self, routes: Sequence[BaseRoute] | None = None, **kwargs: Any) -> None:
        super().__init__(routes, **kwargs)
        self._index()

    def _index(self) -> None:
        self._shapes = [shape(route) for route in self.routes]
        self._indexed_count = len(self.routes)
        shapes = [s for s in self._shapes if s is not None]
        self._key_length = max((len(s.segments) for s in shapes), default=0)
        # Per position, the literals some route has there: any other segment is _ANY in a path's key.
        self._literals: list[frozenset[str]] = [
            frozenset(s.segments[i] for s in shapes if len(s.segments) > i and s.segments[i] is not _ANY)
            for i in range(self._key_length)
        ]
        self._candidates: dict[tuple[tuple[str | None, ...], int], list[BaseRoute]] = {}

    def candidates(self, route_path: str) -> list[BaseRoute]:
        """The routes, in order, that may match `route_path`: every other route's shape refuses it."""
        if len(self.routes) != self._indexed_count:  # a route added after construction
            self._index()
        segments = route_path[1:].split("/", self._key_length)
        # Longer than every shape: only routes that are not exact can take it, and they read no further.
        length = min(len(segments), self._key_length + 1)
        key = tuple(
            [
                segment if segment in literals else _ANY
                for segment, literals in zip(segments, self._literals, strict=False)
            ]
        )
        found = self._candidates.get((key, length))
        if found is None:
            found = [
                route
                for route, route_shape in zip(self.routes, self._shapes, strict=True)
                if route_shape is None or route_shape.takes(key, length)
            ]
            if len(self._candidates) < _CACHE_LIMIT:
                self._candidates[key, length] = found
        return found

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().app(scope, receive, send)
            return
        if "router" not in scope:
            scope["router"] = self
        partial = None
        partial_scope: dict[str, Any] = {}
        for route in self.candidates(get_route_path(scope)):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial = route
                partial_scope = child_scope
        if partial is not None:
            scope["route"] = partial
            scope.update(partial_scope)
            await partial.handle(scope, receive, send)
            return
        # No route takes the path: Starlette's own walk decides the redirect or the 404 (no route of the
        # skipped ones can match, so it finds nothing new; the rare path keeps its exact behaviour).
        await super().app(scope, receive, send)
