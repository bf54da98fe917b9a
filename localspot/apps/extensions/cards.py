"""An app's CRM cards (legacy public app cards): definitions the app owns, each with its data fetch URL, the
record types it shows on, its display properties and action URL prefixes, and an audit of its changes.
Stored in `app_extensions` (kind `card`, keyed by card id)."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from localspot.apps.extensions import errors
from localspot.apps.extensions.queries import ExtensionQueries
from localspot.apps.extensions.settings import checked_url
from localspot.apps.oauth import INSTALLING_USER
from localspot.kernel.storage import Database
from localspot.kernel.timeutil import iso_from_ms

CARD = "card"
MAX_CARDS = 25


class ObjectTypeBody(msgspec.Struct, rename="camel"):
    name: Literal["companies", "contacts", "deals", "marketing_events", "tickets"]
    properties_to_send: list[str]


class Fetch(msgspec.Struct, rename="camel"):
    target_url: str
    object_types: list[ObjectTypeBody]
    card_type: Literal["EXTERNAL", "SERVERLESS"] | None = None
    serverless_function: str | None = None


class FetchPatch(msgspec.Struct, rename="camel"):
    object_types: list[ObjectTypeBody]
    target_url: str | None = None
    card_type: Literal["EXTERNAL", "SERVERLESS"] | None = None
    serverless_function: str | None = None


class DisplayOption(msgspec.Struct):
    name: str
    label: str
    type: Literal["DANGER", "DEFAULT", "INFO", "SUCCESS", "WARNING"]


class DisplayProperty(msgspec.Struct, rename="camel"):
    name: str
    label: str
    data_type: Literal["BOOLEAN", "CURRENCY", "DATE", "DATETIME", "EMAIL", "LINK", "NUMERIC", "STATUS", "STRING"]
    options: list[DisplayOption]


class Display(msgspec.Struct):
    properties: list[DisplayProperty]


class Actions(msgspec.Struct, rename="camel"):
    base_urls: list[str]


class CardCreate(msgspec.Struct):
    title: str
    fetch: Fetch
    display: Display
    actions: Actions


class CardPatch(msgspec.Struct):
    title: str | None = None
    fetch: FetchPatch | None = None
    display: Display | None = None
    actions: Actions | None = None


class MigrateViews(msgspec.Struct, rename="camel"):
    app_card_id: int
    legacy_crm_card_id: int
    allow_duplicate_app_card_ids: bool
    helpdesk_app_card_id: int | None = None


def _title(title: str) -> str:
    if not 0 < len(title.strip()) <= 250:
        raise errors.invalid("title", "must be from 1 to 250 characters")
    return title


def _fetch(fetch: Fetch | FetchPatch, current: dict[str, Any] | None) -> dict[str, Any]:
    if not fetch.object_types:
        raise errors.invalid("fetch.objectTypes", "must name at least one object type")
    names = [t.name for t in fetch.object_types]
    if len(set(names)) != len(names):
        raise errors.invalid("fetch.objectTypes", "names each object type once")
    target = fetch.target_url if fetch.target_url is not None else (current or {}).get("targetUrl")
    if target is None:
        raise errors.invalid("fetch.targetUrl", "is required")
    return {"targetUrl": checked_url("fetch.targetUrl", target), "objectTypes": msgspec.to_builtins(fetch.object_types)}


def _display(display: Display) -> dict[str, Any]:
    names = [p.name for p in display.properties]
    if len(set(names)) != len(names):
        raise errors.invalid("display.properties", "names each property once")
    return msgspec.to_builtins(display)


def _actions(actions: Actions) -> dict[str, Any]:
    return {"baseUrls": [checked_url("actions.baseUrls", url) for url in actions.base_urls]}


class CrmCards:
    def __init__(self, database: Database) -> None:
        self.database = database

    def sample(self) -> dict[str, Any]:
        return SAMPLE_RESPONSE

    def list(self, app: dict[str, Any]) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            cards = [card for _, card in ExtensionQueries.of(session).items(app["appId"], CARD)]
        return {"results": sorted(cards, key=lambda card: int(card["id"]))}

    def get(self, app: dict[str, Any], card_id: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            return self._card(ExtensionQueries.of(session), app, card_id)

    def create(self, app: dict[str, Any], body: CardCreate) -> tuple[int, dict[str, Any]]:
        title, fetch = _title(body.title), _fetch(body.fetch, None)
        display, actions = _display(body.display), _actions(body.actions)
        with self.database.session(write=True) as session:
            queries = ExtensionQueries.of(session)
            if len(queries.items(app["appId"], CARD)) >= MAX_CARDS:
                raise errors.invalid("cards", f"an app has at most {MAX_CARDS} cards")
            card_id = session.reserve_ids(1)[0]
            now = session.clock.now_ms()
            card = {
                "id": str(card_id),
                "title": title,
                "fetch": fetch,
                "display": display,
                "actions": actions,
                "auditHistory": [_audit(app, card_id, "CREATE", now)],
                "createdAt": iso_from_ms(now),
                "updatedAt": iso_from_ms(now),
            }
            queries.save(app["appId"], CARD, str(card_id), card)
        return 201, card

    def update(self, app: dict[str, Any], card_id: str, body: CardPatch) -> dict[str, Any]:
        title = None if body.title is None else _title(body.title)
        display = None if body.display is None else _display(body.display)
        actions = None if body.actions is None else _actions(body.actions)
        with self.database.session(write=True) as session:
            queries = ExtensionQueries.of(session)
            card = self._card(queries, app, card_id)
            now = session.clock.now_ms()
            changes = {"title": title, "display": display, "actions": actions}
            changes["fetch"] = None if body.fetch is None else _fetch(body.fetch, card["fetch"])
            card.update({key: value for key, value in changes.items() if value is not None})
            card["auditHistory"] = [*card["auditHistory"], _audit(app, int(card["id"]), "UPDATE", now)]
            card["updatedAt"] = iso_from_ms(now)
            queries.save(app["appId"], CARD, card["id"], card)
        return card

    def delete(self, app: dict[str, Any], card_id: str) -> None:
        with self.database.session(write=True) as session:
            queries = ExtensionQueries.of(session)
            queries.delete(app["appId"], CARD, self._card(queries, app, card_id)["id"])

    def migrate_views(self, app: dict[str, Any], body: MigrateViews) -> dict[str, Any]:
        """Swapping a legacy card for an app card in the accounts' record views: localspot keeps no views, so
        the swap is done at once, once the legacy card is known to be this app's."""
        with self.database.session(write=False) as session:
            self._card(ExtensionQueries.of(session), app, str(body.legacy_crm_card_id))
            now = session.clock.now_ms()
        return {
            "message": f"Card {body.legacy_crm_card_id} was replaced by app card {body.app_card_id} in every view.",
            "startedAt": now,
            "endedAt": now,
            "totalPortalCount": 0,
            "remainingPortalCount": 0,
        }

    @staticmethod
    def _card(queries: ExtensionQueries, app: dict[str, Any], card_id: str) -> dict[str, Any]:
        found = queries.item(app["appId"], CARD, card_id) if card_id.isdigit() and len(card_id) < 19 else None
        if found is None:
            raise errors.card_not_found(card_id)
        return found


def _audit(app: dict[str, Any], card_id: int, action: str, now: int) -> dict[str, Any]:
    return {
        "actionType": action,
        "applicationId": app["appId"],
        "authSource": "APP",
        "changedAt": now,
        "initiatingUserId": INSTALLING_USER["user_id"],
        "objectTypeId": card_id,
    }


# What a card's data fetch answer looks like: localspot's own example.
SAMPLE_RESPONSE: dict[str, Any] = {
    "totalCount": 1,
    "allItemsLinkUrl": "https://example.com/all-items",
    "cardLabel": "Orders",
    "responseVersion": "v3",
    "sections": [
        {
            "id": "order-1001",
            "title": "Order 1001",
            "linkUrl": "https://example.com/orders/1001",
            "tokens": [
                {"name": "total", "label": "Total", "dataType": "CURRENCY", "value": "99.00", "currencyCode": "USD"},
                {"name": "placed", "label": "Placed", "dataType": "DATE", "value": "2026-01-15"},
            ],
            "actions": [
                {
                    "type": "IFRAME",
                    "label": "Edit",
                    "uri": "https://example.com/orders/1001/edit",
                    "width": 640,
                    "height": 480,
                    "propertyNamesIncluded": [],
                }
            ],
        }
    ],
    "topLevelActions": {
        "settings": {
            "type": "IFRAME",
            "label": "Settings",
            "uri": "https://example.com/settings",
            "width": 640,
            "height": 480,
            "propertyNamesIncluded": [],
        },
        "primary": {
            "type": "ACTION_HOOK",
            "label": "Refresh",
            "uri": "https://example.com/refresh",
            "httpMethod": "POST",
            "propertyNamesIncluded": [],
        },
        "secondary": [],
    },
}
