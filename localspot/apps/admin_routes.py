"""`/_localspot/apps`: register, list, read and delete apps (the admin API's access rules and envelope)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from localspot.apps.registry import AppCreate, AppRegistry
from localspot.kernel.web.api import Api


def routes(api: Api, registry: AppRegistry) -> list[BaseRoute]:
    return [
        Route("/apps", api.endpoint(lambda call: registry.create(call.body(AppCreate))), methods=["POST"]),
        Route("/apps", api.endpoint(lambda call: registry.list()), methods=["GET"]),
        Route("/apps/{appId}", api.endpoint(lambda call: registry.get(call.path["appId"])), methods=["GET"]),
        Route("/apps/{appId}", api.endpoint(lambda call: registry.delete(call.path["appId"])), methods=["DELETE"]),
    ]
