"""The webhooks v3 management API of an app: its settings (the target URL and throttling) and its
subscriptions, authenticated by the app's developer API key as HubSpot's clients send it (`?hapikey=`, or as
a bearer token), and the admin API's listing of delivery attempts. The events themselves are written by
`events.py` and sent by `delivery.py`."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from typing import Any

import msgspec

from localspot.apps import errors, outbox
from localspot.apps.events import WEBHOOKS_VERSION, Changes
from localspot.apps.queries import AppQueries, OutboxQueries, WebhookQueries
from localspot.kernel.batch import MAX_BATCH_INPUTS
from localspot.kernel.errors import ApiError
from localspot.kernel.numbers import Int32
from localspot.kernel.storage import Database, Session
from localspot.kernel.timeutil import iso_from_ms

MAX_SUBSCRIPTIONS = 1000
DELIVERY_STATUSES = ("delivered", "failed")
EVENT_STATUSES = ("pending", "delivered", "failed")
# Each object's subscription types, and the scope the app must declare for them (HubSpot's webhooks spec).
_OBJECTS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "contact": (
        ("creation", "deletion", "merge", "associationChange", "restore", "privacyDeletion", "propertyChange"),
        "crm.objects.contacts.read",
    ),
    "company": (
        ("creation", "deletion", "propertyChange", "associationChange", "restore", "merge"),
        "crm.objects.companies.read",
    ),
    "deal": (
        ("creation", "deletion", "associationChange", "restore", "merge", "propertyChange"),
        "crm.objects.deals.read",
    ),
    "ticket": (("creation", "deletion", "propertyChange", "associationChange", "restore", "merge"), "tickets"),
    "product": (("creation", "deletion", "restore", "merge", "propertyChange"), "e-commerce"),
    "line_item": (
        ("creation", "deletion", "associationChange", "restore", "merge", "propertyChange"),
        "e-commerce",
    ),
    "conversation": (
        ("creation", "deletion", "privacyDeletion", "propertyChange", "newMessage"),
        "conversations.read",
    ),
    "object": (("creation", "deletion", "merge", "restore", "propertyChange", "associationChange"), None),
    "event": (("completed",), None),
}
EVENT_TYPES = frozenset(f"{name}.{kind}" for name, (kinds, _) in _OBJECTS.items() for kind in kinds)
UNSUBSCRIBABLE_PROPERTIES = frozenset({"hs_lastmodifieddate", "num_unique_conversion_events"})


class Throttling(msgspec.Struct, rename="camel"):
    max_concurrent_requests: Int32
    period: str | None = None


class SettingsChange(msgspec.Struct, rename="camel"):
    target_url: str
    throttling: Throttling | None = None
    # n8n sends the number at the top level, without `throttling`.
    max_concurrent_requests: Int32 | None = None


class SubscriptionCreate(msgspec.Struct, rename="camel"):
    event_type: str
    property_name: str | None = None
    active: bool = False
    object_type_id: str | None = None
    event_type_name: str | None = None


class SubscriptionPatch(msgspec.Struct, rename="camel"):
    active: bool


class SubscriptionToggle(msgspec.Struct, rename="camel"):
    id: int
    active: bool


class SubscriptionBatch(msgspec.Struct):
    inputs: list[SubscriptionToggle]


def invalid_api_key() -> ApiError:
    return ApiError(
        401,
        "INVALID_AUTHENTICATION",
        "The API key provided is invalid. View or manage your API key here: https://app.hubspot.com/l/api-key/",
        links={"api key": "https://app.hubspot.com/l/api-key/"},
    )


def subscriptions_not_found(ids: list[str]) -> ApiError:
    return ApiError(
        404,
        "SUBSCRIPTION_ID_NOT_FOUND",
        f"Failed to find subscriptions by id `{', '.join(ids)}`. Try again using a different subscriptionId.",
        sub_category="SubscriptionErrors.SUBSCRIPTION_IDS_NOT_FOUND",
        context={"subscriptionIds": ids},
    )


class WebhookSettings:
    def __init__(self, database: Database, changes: Changes | None = None, forget: Any = None) -> None:
        self.database = database
        self.changes = changes
        self.forget = forget or (lambda: None)

    @contextlib.contextmanager
    def _changing(self) -> Iterator[Session]:
        with self.database.session(write=True) as session:
            yield session
            if self.changes is not None:
                self.changes.touch(session, WEBHOOKS_VERSION)
        self.forget()
        if self.changes is not None:
            self.changes.settle()

    def deliveries(self, raw_app_id: str | None, status: str | None, raw_limit: str | None) -> dict[str, Any]:
        """The latest delivery attempts, newest first (`/_localspot/webhooks/deliveries`)."""
        if raw_app_id is not None and (not raw_app_id.isdigit() or len(raw_app_id) > 18):
            raise errors.invalid_app("appId", "must be an app id")
        if status is not None and status not in DELIVERY_STATUSES:
            raise errors.invalid_app("status", f"must be one of {', '.join(DELIVERY_STATUSES)}")
        limit = int(raw_limit) if raw_limit and raw_limit.isdigit() else 100
        app_id = int(raw_app_id) if raw_app_id is not None else None
        with self.database.session(write=False) as session:
            queries = OutboxQueries.of(session)
            rows = queries.deliveries(app_id, status, min(max(limit, 1), 1000))
            counts = queries.event_counts(app_id)
        results = [
            {
                "id": str(row[0]),
                "appId": row[1],
                "portalId": row[2],
                "eventIds": msgspec.json.decode(row[3]),
                "target": row[4],
                "status": row[5],
                "statusCode": row[6],
                "attempt": row[7],
                "latencyMs": row[8],
                "error": row[9],
                "startedAt": iso_from_ms(row[10]),
            }
            for row in rows
        ]
        return {"results": results, "events": {name: counts.get(name, 0) for name in EVENT_STATUSES}}

    def events_of_record(self, portal_id: int, object_id: int, *, scan: int = 1000) -> list[dict[str, Any]]:
        """The webhook events about one record among the portal's newest outbox rows (the inspector's record
        page), each with its row's delivery status, newest first."""
        with self.database.session(write=False) as session:
            rows = OutboxQueries.of(session).recent_payloads(portal_id, scan)
        found = []
        for status, payload in rows:
            for event in reversed(outbox.events(payload)):
                if event.get("objectId") == object_id or event.get("fromObjectId") == object_id:
                    found.append({**event, "deliveryStatus": status})
        return found

    def app_for(self, raw_app_id: str, key: str | None) -> dict[str, Any]:
        """The app, when `key` is its developer API key; otherwise HubSpot's 401 for a bad key."""
        if not key or not raw_app_id.isdigit() or len(raw_app_id) > 18:
            raise invalid_api_key()
        with self.database.session(write=False) as session:
            found = AppQueries.of(session).apps(int(raw_app_id))
        if not found or not secrets.compare_digest(key, found[0]["developerApiKey"]):
            raise invalid_api_key()
        return found[0]

    # --- settings ------------------------------------------------------------------------------------

    def get_settings(self, app: dict[str, Any]) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            settings = WebhookQueries.of(session).settings(app["appId"])
        if settings is None:
            raise ApiError(404, "OBJECT_NOT_FOUND", f"No webhook settings for app {app['appId']}.")
        return settings

    def put_settings(self, app: dict[str, Any], body: SettingsChange) -> dict[str, Any]:
        if not body.target_url.startswith(("http://", "https://")) or len(body.target_url) > 2_000:
            raise errors.invalid_app("targetUrl", "must be an http or https URL")
        concurrency = body.throttling.max_concurrent_requests if body.throttling else body.max_concurrent_requests
        if concurrency is None or not 1 <= concurrency <= 100:
            raise errors.invalid_app("throttling.maxConcurrentRequests", "must be a whole number from 1 to 100")
        throttling: dict[str, Any] = {"maxConcurrentRequests": concurrency}
        if body.throttling is not None and body.throttling.period is not None:
            throttling["period"] = body.throttling.period
        with self._changing() as session:
            queries = WebhookQueries.of(session)
            now = iso_from_ms(session.clock.now_ms())
            before = queries.settings(app["appId"])
            settings = {
                "targetUrl": body.target_url,
                "throttling": throttling,
                "createdAt": before["createdAt"] if before else now,
                "updatedAt": now,
            }
            queries.save_settings(app["appId"], settings)
        return settings

    def delete_settings(self, app: dict[str, Any]) -> None:
        with self._changing() as session:
            WebhookQueries.of(session).delete_settings(app["appId"])

    # --- subscriptions -------------------------------------------------------------------------------

    def list_subscriptions(self, app: dict[str, Any]) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            return {"results": WebhookQueries.of(session).subscriptions(app["appId"])}

    def create_subscription(self, app: dict[str, Any], body: SubscriptionCreate) -> tuple[int, dict[str, Any]]:
        _check_subscription(app, body)
        with self._changing() as session:
            queries = WebhookQueries.of(session)
            if queries.count_subscriptions(app["appId"]) >= MAX_SUBSCRIPTIONS:
                raise ApiError(
                    400,
                    "VALIDATION_ERROR",
                    "Couldn't create another subscription. You've reached the maximum number allowed per "
                    f"application ({MAX_SUBSCRIPTIONS}).",
                )
            subscription_id = session.reserve_ids(1)[0]
            now = iso_from_ms(session.clock.now_ms())
            subscription: dict[str, Any] = {"id": str(subscription_id), "eventType": body.event_type}
            for key, value in (
                ("propertyName", body.property_name),
                ("objectTypeId", body.object_type_id),
                ("eventTypeName", body.event_type_name),
            ):
                if value is not None:
                    subscription[key] = value
            subscription.update(active=body.active, createdAt=now, updatedAt=now)
            queries.save_subscription(app["appId"], subscription_id, subscription)
        return 201, subscription

    def get_subscription(self, app: dict[str, Any], raw_id: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            found = WebhookQueries.of(session).subscriptions(app["appId"], [_subscription_id(raw_id)])
        if not found:
            raise subscriptions_not_found([raw_id])
        return found[0]

    def set_active(self, app: dict[str, Any], raw_id: str, body: SubscriptionPatch) -> dict[str, Any]:
        with self._changing() as session:
            changed = self._toggle(session, app, {_subscription_id(raw_id): body.active})
        if not changed:
            raise subscriptions_not_found([raw_id])
        return changed[0]

    def delete_subscription(self, app: dict[str, Any], raw_id: str) -> None:
        with self._changing() as session:
            if not WebhookQueries.of(session).delete_subscription(app["appId"], _subscription_id(raw_id)):
                raise subscriptions_not_found([raw_id])

    def batch_update(self, app: dict[str, Any], body: SubscriptionBatch) -> tuple[int, dict[str, Any]]:
        if len(body.inputs) > MAX_BATCH_INPUTS:
            raise errors.invalid_app("inputs", f"at most {MAX_BATCH_INPUTS} inputs")
        with self._changing() as session:
            started = iso_from_ms(session.clock.now_ms())
            wanted = {item.id: item.active for item in body.inputs}
            results = self._toggle(session, app, wanted)
        missing = [str(i) for i in wanted if str(i) not in {r["id"] for r in results}]
        answer: dict[str, Any] = {"status": "COMPLETE", "results": results}
        if missing:
            error = subscriptions_not_found(missing)
            answer.update(numErrors=1, errors=[error.as_batch_error()])
        answer.update(startedAt=started, completedAt=started)
        return (207 if missing else 200), answer

    @staticmethod
    def _toggle(session: Any, app: dict[str, Any], wanted: dict[int, bool]) -> list[dict[str, Any]]:
        queries = WebhookQueries.of(session)
        now = iso_from_ms(session.clock.now_ms())
        changed = []
        for subscription in queries.subscriptions(app["appId"], list(wanted)):
            subscription.update(active=wanted[int(subscription["id"])], updatedAt=now)
            queries.save_subscription(app["appId"], int(subscription["id"]), subscription)
            changed.append(subscription)
        return changed


def _subscription_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 18:
        raise subscriptions_not_found([raw[:32]])
    return int(raw)


def _check_subscription(app: dict[str, Any], body: SubscriptionCreate) -> None:
    if body.event_type not in EVENT_TYPES:
        raise errors.invalid_app("eventType", f"{body.event_type[:64]!r} is not a subscription type")
    subject, _, kind = body.event_type.partition(".")
    scope = _OBJECTS[subject][1]
    if scope is not None and scope not in app["scopes"]:
        raise errors.invalid_app("eventType", f"the app must require the scope {scope} for {body.event_type}")
    if kind == "propertyChange":
        if not body.property_name:
            raise errors.invalid_app("propertyName", "a property change subscription names its property")
        if body.property_name in UNSUBSCRIBABLE_PROPERTIES:
            raise errors.invalid_app("propertyName", f"{body.property_name} cannot be subscribed to")
    if subject == "object" and not body.object_type_id:
        raise errors.invalid_app("objectTypeId", "an object.* subscription names its objectTypeId")
