"""`/integrators/timeline/v3/...` and its date-versioned twin: events (a portal's token) and an app's event
templates and tokens (the app's developer API key, `?hapikey=`, as HubSpot's template calls take)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.routing import BaseRoute, Route

from localspot.crm.timeline.events import EventBatch, EventInput, TimelineEvents
from localspot.crm.timeline.templates import TemplateCreate, TemplateUpdate, TimelineTemplates, Token, TokenUpdate
from localspot.kernel.web.api import Api, Call, Handler, Outcome, developer_key


def routes(api: Api, developer_api: Api, events: TimelineEvents, templates: TimelineTemplates) -> list[BaseRoute]:
    """`developer_api` authenticates nobody: its principal is the Authorization header, and the templates
    service checks the developer API key (`?hapikey=` or that header's bearer token) against the app."""

    def route(path: str, handler: Handler, methods: list[str]) -> Route:
        return Route(path, api.endpoint(handler), methods=methods)

    def developer(path: str, handler: Callable[[Call, str | None], Outcome], methods: list[str]) -> Route:
        def endpoint(call: Call) -> Outcome:
            return handler(call, developer_key(call))

        return Route(path, developer_api.endpoint(endpoint), methods=methods)

    def collection(call: Call, key: str | None) -> Outcome:
        if call.method == "POST":
            return templates.create(call.path["appId"], key, call.body(TemplateCreate))
        return templates.list(call.path["appId"], key)

    def template(call: Call, key: str | None) -> Outcome:
        app_id, template_id = call.path["appId"], call.path["eventTemplateId"]
        if call.method == "PUT":
            return templates.update(app_id, key, template_id, call.body(TemplateUpdate))
        if call.method == "DELETE":
            return templates.delete(app_id, key, template_id)
        return templates.get(app_id, key, template_id)

    def token(call: Call, key: str | None) -> Outcome:
        app_id, template_id, name = call.path["appId"], call.path["eventTemplateId"], call.path["tokenName"]
        if call.method == "PUT":
            return templates.update_token(app_id, key, template_id, name, call.body(TokenUpdate))
        return templates.delete_token(app_id, key, template_id, name)

    return [
        route("/events", lambda c: events.create(c.principal, c.body(EventInput)), ["POST"]),
        route("/events/batch/create", lambda c: events.batch_create(c.principal, c.body(EventBatch)), ["POST"]),
        # The date-versioned spelling of the same batch.
        route("/events/batch", lambda c: events.batch_create(c.principal, c.body(EventBatch)), ["POST"]),
        route(
            "/events/{eventTemplateId}/{eventId}",
            lambda c: events.get(c.principal, c.path["eventTemplateId"], c.path["eventId"]),
            ["GET"],
        ),
        developer("/{appId}/event-templates", collection, ["GET", "POST"]),
        developer("/{appId}/event-templates/{eventTemplateId}", template, ["GET", "PUT", "DELETE"]),
        developer(
            "/{appId}/event-templates/{eventTemplateId}/tokens",
            lambda c, key: templates.add_token(c.path["appId"], key, c.path["eventTemplateId"], c.body(Token)),
            ["POST"],
        ),
        developer("/{appId}/event-templates/{eventTemplateId}/tokens/{tokenName}", token, ["PUT", "DELETE"]),
    ]
