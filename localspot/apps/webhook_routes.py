"""`/webhooks/v3/{appId}/...` and its date-versioned twins: an app's webhook settings and subscriptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.routing import BaseRoute, Route

from localspot.apps.webhooks import (
    SettingsChange,
    SubscriptionBatch,
    SubscriptionCreate,
    SubscriptionPatch,
    WebhookSettings,
)
from localspot.kernel.web.api import Api, Call, Outcome, developer_key

PREFIXES = ("/webhooks/v3", "/webhooks/2026-03", "/app-webhooks/2025-09", "/app-webhooks/2026-09")


def routes(api: Api, webhooks: WebhookSettings) -> list[BaseRoute]:
    """`api` authenticates nobody: its principal is the Authorization header, and each handler checks the
    developer API key (`?hapikey=` or that header's bearer token) against the app in the path."""

    def with_app(handler: Callable[[Call, dict[str, Any]], Outcome]) -> Callable[[Call], Outcome]:
        def endpoint(call: Call) -> Outcome:
            return handler(call, webhooks.app_for(call.path["appId"], developer_key(call)))

        return endpoint

    def settings(call: Call, app: dict[str, Any]) -> Outcome:
        if call.method == "PUT":
            return webhooks.put_settings(app, call.body(SettingsChange))
        if call.method == "DELETE":
            return webhooks.delete_settings(app)
        return webhooks.get_settings(app)

    def subscriptions(call: Call, app: dict[str, Any]) -> Outcome:
        if call.method == "POST":
            return webhooks.create_subscription(app, call.body(SubscriptionCreate))
        return webhooks.list_subscriptions(app)

    def subscription(call: Call, app: dict[str, Any]) -> Outcome:
        subscription_id = call.path["subscriptionId"]
        if call.method == "DELETE":
            return webhooks.delete_subscription(app, subscription_id)
        if call.method in ("PATCH", "PUT"):
            return webhooks.set_active(app, subscription_id, call.body(SubscriptionPatch))
        return webhooks.get_subscription(app, subscription_id)

    def batch(call: Call, app: dict[str, Any]) -> Outcome:
        return webhooks.batch_update(app, call.body(SubscriptionBatch))

    table = [
        ("/{appId}/settings", settings, ["GET", "PUT", "DELETE"]),
        ("/{appId}/subscriptions", subscriptions, ["GET", "POST"]),
        ("/{appId}/subscriptions/batch/update", batch, ["POST"]),
        ("/{appId}/subscriptions/{subscriptionId}", subscription, ["GET", "PATCH", "PUT", "DELETE"]),
    ]
    return [
        Route(prefix + path, api.endpoint(with_app(handler)), methods=methods)
        for prefix in PREFIXES
        for path, handler, methods in table
    ]
