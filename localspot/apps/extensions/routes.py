"""The app extensions' paths, each group with the prefixes it is served under (classic and every date
version). An app's settings take its developer API key (`?hapikey=` or the bearer token), checked against the
path's appId; what an app writes into an account takes that account's token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.routing import BaseRoute, Route

from localspot.apps.extensions import settings as kinds
from localspot.apps.extensions.calls import CallExtensions, InboundCall, RecordingReady, TranscriptCreate, UserIds
from localspot.apps.extensions.cards import CardCreate, CardPatch, CrmCards, MigrateViews
from localspot.apps.extensions.flags import FeatureFlags, FlagPut, PortalIds, PortalStatePut, PortalStatesPut
from localspot.apps.extensions.settings import AppSettings, Kind
from localspot.apps.registry import AppRegistry
from localspot.kernel.web.api import Api, Call, Outcome, developer_key

AppHandler = Callable[[Call, dict[str, Any]], Outcome]
Areas = list[tuple[list[BaseRoute], tuple[str, ...]]]


class Extensions:
    """The services the extension paths call."""

    def __init__(
        self,
        app_for: Callable[[str, str | None], dict[str, Any]],
        settings: AppSettings,
        flags: FeatureFlags,
        cards: CrmCards,
        calls: CallExtensions,
        registry: AppRegistry,
    ) -> None:
        self.app_for = app_for
        self.settings = settings
        self.flags = flags
        self.cards = cards
        self.calls = calls
        self.registry = registry


def areas(api: Api, developer_api: Api, x: Extensions) -> Areas:
    """`developer_api` authenticates nobody: its principal is the Authorization header."""

    def developer(path: str, handler: AppHandler, methods: list[str]) -> Route:
        def endpoint(call: Call) -> Outcome:
            return handler(call, x.app_for(call.path["appId"], developer_key(call)))

        return Route(path, developer_api.endpoint(endpoint), methods=methods)

    def portal(path: str, handler: Callable[[Call], Outcome], methods: list[str]) -> Route:
        return Route(path, api.endpoint(handler), methods=methods)

    def settings_of(kind: Kind) -> AppHandler:
        def handle(call: Call, app: dict[str, Any]) -> Outcome:
            if call.method == "POST":
                return x.settings.create(app, kind, call.body(kind.whole))
            if call.method == "PUT":
                return x.settings.replace(app, kind, call.body(kind.whole))
            if call.method == "PATCH" and kind.patch is not None:
                return x.settings.update(app, kind, call.body(kind.patch))
            if call.method == "DELETE":
                return x.settings.delete(app, kind)
            return x.settings.get(app, kind)

        return handle

    crud = ["GET", "POST", "PATCH", "DELETE"]
    calling = [
        developer("/{appId}/settings", settings_of(kinds.CALLING), crud),
        developer("/{appId}/settings/recording", settings_of(kinds.RECORDING), crud),
        developer("/{appId}/settings/channel-connection", settings_of(kinds.CHANNEL_CONNECTION), crud),
        *_call_routes(portal, x.calls),
    ]
    video = [developer("/settings/{appId}", settings_of(kinds.VIDEO_CONFERENCING), ["GET", "PUT", "DELETE"])]
    return [
        (calling, ("/crm/v3/extensions/calling", "/crm/extensions/calling/v3", "/crm/extensions/calling/{version}")),
        (video, ("/crm/v3/extensions/videoconferencing", "/crm/extensions/videoconferencing/{version}")),
        (
            _card_routes(developer, developer_api, x.cards),
            ("/crm/v3/extensions/cards-dev", "/crm/extensions/cards-dev/{version}"),
        ),
        (_flag_routes(developer, x.flags), ("/feature-flags/v3", "/feature-flags/{version}")),
        (_uninstall_routes(developer_api, x.registry), ("/appinstalls/v3", "/appinstalls/{version}")),
    ]


def _call_routes(portal: Callable[..., Route], calls: CallExtensions) -> list[BaseRoute]:
    def transcript(call: Call) -> Outcome:
        if call.method == "DELETE":
            return calls.delete_transcript(call.principal, call.path["transcriptId"])
        return calls.transcript(call.principal, call.path["transcriptId"])

    return [
        portal("/transcripts", lambda c: calls.create_transcript(c.principal, c.body(TranscriptCreate)), ["POST"]),
        portal("/transcripts/{transcriptId}", transcript, ["GET", "DELETE"]),
        portal("/recordings/ready", lambda c: calls.recording_ready(c.principal, c.body(RecordingReady)), ["POST"]),
        portal("/inbound-call", lambda c: calls.inbound_call(c.principal, c.body(InboundCall)), ["POST"]),
        portal(
            "/connection-statuses",
            lambda c: calls.connection_statuses(c.principal, c.query.values("userId") or []),
            ["GET"],
        ),
        portal(
            "/connection-statuses/batch/read",
            lambda c: calls.batch_connection_statuses(c.principal, c.body(UserIds)),
            ["POST"],
        ),
        portal("/connection-statuses/me", lambda c: calls.my_connection_status(c.principal), ["GET"]),
    ]


def _card_routes(developer: Callable[..., Route], developer_api: Api, cards: CrmCards) -> list[BaseRoute]:
    def collection(call: Call, app: dict[str, Any]) -> Outcome:
        if call.method == "POST":
            return cards.create(app, call.body(CardCreate))
        return cards.list(app)

    def card(call: Call, app: dict[str, Any]) -> Outcome:
        if call.method == "PATCH":
            return cards.update(app, call.path["cardId"], call.body(CardPatch))
        if call.method == "DELETE":
            return cards.delete(app, call.path["cardId"])
        return cards.get(app, call.path["cardId"])

    return [
        # HubSpot's example of a card's data fetch answer: served to anyone.
        Route("/sample-response", developer_api.endpoint(lambda call: cards.sample(), public=True), methods=["GET"]),
        developer("/{appId}", collection, ["GET", "POST"]),
        developer("/{appId}/views/migrate", lambda c, app: cards.migrate_views(app, c.body(MigrateViews)), ["POST"]),
        developer("/{appId}/{cardId}", card, ["GET", "PATCH", "DELETE"]),
    ]


def _flag_routes(developer: Callable[..., Route], flags: FeatureFlags) -> list[BaseRoute]:
    def flag(call: Call, app: dict[str, Any]) -> Outcome:
        name = call.path["flagName"]
        if call.method == "PUT":
            return flags.put(app, name, call.body(FlagPut))
        if call.method == "DELETE":
            return flags.delete(app, name)
        return flags.get(app, name)

    def portal_state(call: Call, app: dict[str, Any]) -> Outcome:
        name, portal_id = call.path["flagName"], call.path["portalId"]
        if call.method == "PUT":
            return flags.put_portal_state(app, name, portal_id, call.body(PortalStatePut))
        if call.method == "DELETE":
            return flags.delete_portal_state(app, name, portal_id)
        return flags.portal_state(app, name, portal_id)

    def states(call: Call, app: dict[str, Any]) -> Outcome:
        return flags.portal_states(
            app, call.path["flagName"], call.query.text("limit"), call.query.text("startPortalId")
        )

    def upsert(call: Call, app: dict[str, Any]) -> Outcome:
        return flags.upsert(app, call.path["flagName"], call.body(PortalStatesPut))

    def batch_delete(call: Call, app: dict[str, Any]) -> Outcome:
        return flags.batch_delete(app, call.path["flagName"], call.body(PortalIds))

    return [
        developer("/{appId}/flags/all", lambda call, app: flags.names(app), ["GET"]),
        developer("/{appId}/flags/{flagName}", flag, ["GET", "PUT", "DELETE"]),
        developer("/{appId}/flags/{flagName}/portals", states, ["GET"]),
        developer("/{appId}/flags/{flagName}/portals/batch/upsert", upsert, ["POST"]),
        developer("/{appId}/flags/{flagName}/portals/batch/delete", batch_delete, ["POST"]),
        developer("/{appId}/flags/{flagName}/portals/{portalId}", portal_state, ["GET", "PUT", "DELETE"]),
    ]


def _uninstall_routes(developer_api: Api, registry: AppRegistry) -> list[BaseRoute]:
    def uninstall(call: Call) -> Outcome:
        scheme, _, token = str(call.principal or "").partition(" ")
        return registry.uninstall(token.strip() if scheme.lower() == "bearer" else None)

    return [Route("/external-install", developer_api.endpoint(uninstall), methods=["DELETE"])]
