"""`/_localspot/apps`: register, list, read and delete apps, and `/_localspot/webhooks/deliveries`: the
webhook delivery attempts (the admin API's access rules and envelope)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from localspot.apps.registry import AppCreate, AppRegistry
from localspot.apps.webhooks import WebhookSettings
from localspot.kernel.web.api import Api, Call, Outcome


def routes(api: Api, registry: AppRegistry, webhooks: WebhookSettings) -> list[BaseRoute]:
    def deliveries(call: Call) -> Outcome:
        query = call.query
        return webhooks.deliveries(query.text("appId"), query.text("status"), query.text("limit"))

    return [
        Route("/webhooks/deliveries", api.endpoint(deliveries), methods=["GET"]),
        Route("/apps", api.endpoint(lambda call: registry.create(call.body(AppCreate))), methods=["POST"]),
        Route("/apps", api.endpoint(lambda call: registry.list()), methods=["GET"]),
        Route("/apps/{appId}", api.endpoint(lambda call: registry.get(call.path["appId"])), methods=["GET"]),
        Route("/apps/{appId}", api.endpoint(lambda call: registry.delete(call.path["appId"])), methods=["DELETE"]),
    ]
