"""Journal subscriptions and their filters (`/webhooks-journal/subscriptions/2026-03`). A subscription is
upserted on (app, subscriptionType, portalId, objectTypeId) — app lifecycle ones on their eventTypeId, with
no portal — so the same request twice answers the same id (docs/decisions.md, "Webhooks journal")."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal

import msgspec

from localspot.apps.events import Changes
from localspot.apps.journal import errors
from localspot.apps.journal.access import SUBSCRIPTIONS_READ, SUBSCRIPTIONS_WRITE, JournalApp
from localspot.apps.journal.events import JOURNAL_VERSION, LIFECYCLE_EVENT_TYPES
from localspot.apps.journal.queries import JournalQueries
from localspot.kernel.storage import Database, Session
from localspot.kernel.storage.session import encode_json
from localspot.kernel.timeutil import iso_from_ms

MAX_SUBSCRIPTIONS = 1000
MAX_FILTERS = 100
MAX_ITEMS = 1000  # objectIds, properties, listIds, associatedObjectTypeIds of one subscription
MAX_CONDITIONS = 25
MAX_TEXT = 256
OBJECT_TYPE_ID = re.compile(r"^[0-9]{1,4}-[0-9]{1,12}$")
LIST_OBJECT_TYPE_ID = "0-45"  # HubSpot's object type id of lists: a list-membership subscription's key
OPERATORS = frozenset(
    [
        "EQ",
        "N_EQ",
        "LT",
        "GT",
        "LTE",
        "GTE",
        "CONTAINS",
        "STARTS_WITH",
        "ENDS_WITH",
        "IN",
        "NOT_IN",
        "IS_EMPTY",
        "IS_NOT_EMPTY",
    ]
)
_ACTIONS = {
    "OBJECT": frozenset(("CREATE", "UPDATE", "DELETE", "MERGE", "RESTORE", "SNAPSHOT")),
    "ASSOCIATION": frozenset(("ASSOCIATION_ADDED", "ASSOCIATION_REMOVED")),
    "LIST_MEMBERSHIP": frozenset(("ADDED_TO_LIST", "REMOVED_FROM_LIST")),
    "GDPR_PRIVACY_DELETION": frozenset(("GDPR_DELETE",)),
}
# Ids as the spec types them (int64), refused beyond as the decoder refuses any wrong type.
Id = Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]


class _Upsert(msgspec.Struct, rename="camel", tag_field="subscriptionType"):
    pass


class ObjectUpsert(_Upsert, tag="OBJECT"):
    portal_id: Id
    object_type_id: str
    actions: list[str]
    object_ids: list[Id] = []
    properties: list[str] = []


class AssociationUpsert(_Upsert, tag="ASSOCIATION"):
    portal_id: Id
    object_type_id: str
    actions: list[str]
    object_ids: list[Id] = []
    associated_object_type_ids: list[str] = []


class ListMembershipUpsert(_Upsert, tag="LIST_MEMBERSHIP"):
    portal_id: Id
    actions: list[str]
    list_ids: list[Id] = []
    object_ids: list[Id] = []


class GdprUpsert(_Upsert, tag="GDPR_PRIVACY_DELETION"):
    portal_id: Id
    object_type_id: str
    actions: list[str]


class LifecycleUpsert(_Upsert, tag="APP_LIFECYCLE_EVENT"):
    event_type_id: str
    properties: list[str] = []


SubscriptionUpsert = ObjectUpsert | AssociationUpsert | ListMembershipUpsert | GdprUpsert | LifecycleUpsert


class Condition(msgspec.Struct, rename="camel"):
    property: str
    operator: str
    filter_type: Literal["CRM_OBJECT_PROPERTY"] = "CRM_OBJECT_PROPERTY"
    value: str | None = None
    values: list[str] | None = None


class Filter(msgspec.Struct):
    conditions: list[Condition]


class FilterCreate(msgspec.Struct, rename="camel"):
    subscription_id: Id
    filter: Filter


class JournalSubscriptions:
    def __init__(
        self, database: Database, changes: Changes | None = None, forget: Callable[[], None] = lambda: None
    ) -> None:
        self.database = database
        self.changes = changes
        self.forget = forget

    @contextlib.contextmanager
    def _changing(self) -> Iterator[Session]:
        with self.database.session(write=True) as session:
            yield session
            if self.changes is not None:
                self.changes.touch(session, JOURNAL_VERSION)
        self.forget()
        if self.changes is not None:
            self.changes.settle()

    # --- subscriptions -------------------------------------------------------------------------------

    def upsert(self, app: JournalApp, body: SubscriptionUpsert) -> dict[str, Any]:
        app.require(SUBSCRIPTIONS_WRITE)
        kind, portal_id, type_id, fields = _checked(body)
        with self._changing() as session:
            queries = JournalQueries.of(session)
            if portal_id and queries.installed(app.app_id, portal_id) is None:
                raise errors.not_installed(app.app_id, portal_id)
            now = iso_from_ms(session.clock.now_ms())
            before = queries.subscription_by_key(app.app_id, kind, portal_id, type_id)
            if before is None and queries.count_subscriptions(app.app_id) >= MAX_SUBSCRIPTIONS:
                raise errors.too_many_subscriptions(MAX_SUBSCRIPTIONS)
            subscription: dict[str, Any] = {
                "id": before["id"] if before else session.reserve_ids(1)[0],
                "appId": app.app_id,
                "subscriptionType": kind,
                "objectTypeId": type_id,
                **({"portalId": portal_id} if portal_id else {}),
                **fields,
                "createdAt": before["createdAt"] if before else now,
                "updatedAt": now,
            }
            if before is None and not queries.insert_subscription(app.app_id, kind, portal_id, type_id, subscription):
                # A concurrent upsert of the same key committed first: this one updates it.
                before = queries.subscription_by_key(app.app_id, kind, portal_id, type_id)
                if before is not None:
                    subscription.update(id=before["id"], createdAt=before["createdAt"])
            if before is not None:
                queries.update_subscription(app.app_id, subscription)
        return subscription

    def list(self, app: JournalApp) -> dict[str, Any]:
        app.require(SUBSCRIPTIONS_READ)
        with self.database.session(write=False) as session:
            return {"results": JournalQueries.of(session).subscriptions(app.app_id)}

    def get(self, app: JournalApp, raw_id: str) -> dict[str, Any]:
        app.require(SUBSCRIPTIONS_READ)
        subscription_id = _id(raw_id, errors.subscription_not_found)
        with self.database.session(write=False) as session:
            found = JournalQueries.of(session).subscriptions(app.app_id, [subscription_id])
        if not found:
            raise errors.subscription_not_found(raw_id)
        return found[0]

    def delete(self, app: JournalApp, raw_id: str) -> None:
        app.require(SUBSCRIPTIONS_WRITE)
        subscription_id = _id(raw_id, errors.subscription_not_found)
        with self._changing() as session:
            if not JournalQueries.of(session).delete_subscriptions(app.app_id, subscription_id=subscription_id):
                raise errors.subscription_not_found(raw_id)

    def delete_portal(self, app: JournalApp, raw_portal_id: str) -> None:
        """Every subscription of the app for one account (none is no error)."""
        app.require(SUBSCRIPTIONS_WRITE)
        if not raw_portal_id.isdigit() or len(raw_portal_id) > 18:
            raise errors.invalid("portalId", "must be an account id")
        with self._changing() as session:
            JournalQueries.of(session).delete_subscriptions(app.app_id, portal_id=int(raw_portal_id))

    # --- filters ---------------------------------------------------------------------------------------

    def create_filter(self, app: JournalApp, body: FilterCreate) -> dict[str, Any]:
        app.require(SUBSCRIPTIONS_WRITE)
        conditions = _checked_conditions(body.filter.conditions)
        with self._changing() as session:
            queries = JournalQueries.of(session)
            found = queries.subscriptions(app.app_id, [body.subscription_id])
            if not found:
                raise errors.subscription_not_found(str(body.subscription_id))
            if len(queries.filters(app.app_id, subscription_id=body.subscription_id)) >= MAX_FILTERS:
                raise errors.invalid("filter", f"a subscription has at most {MAX_FILTERS} filters")
            filter_id = session.reserve_ids(1)[0]
            text = encode_json({"conditions": conditions}).decode()
            queries.insert_filter(filter_id, app.app_id, body.subscription_id, text, session.clock.now_ms())
        return {"filterId": filter_id}

    def filters_of(self, app: JournalApp, raw_id: str) -> tuple[int, list[dict[str, Any]]]:
        app.require(SUBSCRIPTIONS_READ)
        subscription_id = _id(raw_id, errors.subscription_not_found)
        with self.database.session(write=False) as session:
            queries = JournalQueries.of(session)
            if not queries.subscriptions(app.app_id, [subscription_id]):
                raise errors.subscription_not_found(raw_id)
            rows = queries.filters(app.app_id, subscription_id=subscription_id)
        return 200, [_filter(row) for row in rows]

    def get_filter(self, app: JournalApp, raw_id: str) -> dict[str, Any]:
        app.require(SUBSCRIPTIONS_READ)
        filter_id = _id(raw_id, errors.filter_not_found)
        with self.database.session(write=False) as session:
            rows = JournalQueries.of(session).filters(app.app_id, filter_id=filter_id)
        if not rows:
            raise errors.filter_not_found(raw_id)
        return _filter(rows[0])

    def delete_filter(self, app: JournalApp, raw_id: str) -> None:
        app.require(SUBSCRIPTIONS_WRITE)
        filter_id = _id(raw_id, errors.filter_not_found)
        with self._changing() as session:
            if not JournalQueries.of(session).delete_filter(app.app_id, filter_id):
                raise errors.filter_not_found(raw_id)


def _filter(row: tuple[int, dict[str, Any], int]) -> dict[str, Any]:
    return {"id": row[0], "filter": row[1], "createdAt": row[2]}


def _id(raw: str, missing: Callable[[str], Exception]) -> int:
    if not raw.isdigit() or len(raw) > 18:
        raise missing(raw)
    return int(raw)


def _checked(body: SubscriptionUpsert) -> tuple[str, int, str, dict[str, Any]]:
    """(subscriptionType, portal id (0: app-wide), the key's object type id, the answer's other fields)."""
    if isinstance(body, LifecycleUpsert):
        action = LIFECYCLE_EVENT_TYPES.get(body.event_type_id)
        if action is None:
            known = ", ".join(LIFECYCLE_EVENT_TYPES)
            raise errors.invalid("eventTypeId", f"must be one of {known}")
        return "APP_LIFECYCLE_EVENT", 0, body.event_type_id, {"actions": [action], **_texts(body.properties)}
    if not 1 <= body.portal_id <= 2**53:
        raise errors.invalid("portalId", "must be an account id")
    kind = {
        ObjectUpsert: "OBJECT",
        AssociationUpsert: "ASSOCIATION",
        ListMembershipUpsert: "LIST_MEMBERSHIP",
        GdprUpsert: "GDPR_PRIVACY_DELETION",
    }[type(body)]
    if not body.actions or len(body.actions) > len(_ACTIONS[kind]):
        raise errors.invalid("actions", f"must list 1 to {len(_ACTIONS[kind])} actions")
    for index, action in enumerate(body.actions):
        if action not in _ACTIONS[kind]:
            raise errors.invalid(f"actions[{index}]", f"must be one of {', '.join(sorted(_ACTIONS[kind]))}")
    fields: dict[str, Any] = {"actions": sorted(set(body.actions))}
    type_id = LIST_OBJECT_TYPE_ID
    if not isinstance(body, ListMembershipUpsert):
        type_id = checked_type_id("objectTypeId", body.object_type_id)
    if isinstance(body, ObjectUpsert | AssociationUpsert | ListMembershipUpsert):
        fields["objectIds"] = _numbers("objectIds", body.object_ids)
    if isinstance(body, ObjectUpsert):
        fields.update(_texts(body.properties))
    if isinstance(body, AssociationUpsert):
        if len(body.associated_object_type_ids) > MAX_ITEMS:
            raise errors.invalid("associatedObjectTypeIds", f"at most {MAX_ITEMS}")
        fields["associatedObjectTypeIds"] = sorted(
            {checked_type_id("associatedObjectTypeIds", t) for t in body.associated_object_type_ids}
        )
    if isinstance(body, ListMembershipUpsert):
        fields["listIds"] = _numbers("listIds", body.list_ids)
    return kind, body.portal_id, type_id, fields


def checked_type_id(field: str, value: str) -> str:
    if not OBJECT_TYPE_ID.match(value):
        raise errors.invalid(field, f"{value[:32]!r} is not an object type id (such as 0-1)")
    return value


def _numbers(field: str, values: list[int]) -> list[int]:
    if len(values) > MAX_ITEMS:
        raise errors.invalid(field, f"at most {MAX_ITEMS}")
    return sorted(set(values))


def _texts(values: list[str]) -> dict[str, Any]:
    if len(values) > MAX_ITEMS or any(not value or len(value) > MAX_TEXT for value in values):
        raise errors.invalid("properties", f"at most {MAX_ITEMS} names of 1 to {MAX_TEXT} characters")
    return {"properties": sorted(set(values))}


def _checked_conditions(conditions: list[Condition]) -> list[dict[str, Any]]:
    if not 1 <= len(conditions) <= MAX_CONDITIONS:
        raise errors.invalid("filter.conditions", f"must list 1 to {MAX_CONDITIONS} conditions")
    checked = []
    for index, condition in enumerate(conditions):
        where = f"filter.conditions[{index}]"
        if condition.operator not in OPERATORS:
            raise errors.invalid(f"{where}.operator", f"must be one of {', '.join(sorted(OPERATORS))}")
        if not condition.property or len(condition.property) > MAX_TEXT:
            raise errors.invalid(f"{where}.property", f"must be 1 to {MAX_TEXT} characters")
        values = condition.values or []
        if len(values) > MAX_ITEMS or any(len(v) > MAX_TEXT for v in values) or len(condition.value or "") > MAX_TEXT:
            raise errors.invalid(f"{where}.value", f"at most {MAX_ITEMS} values of up to {MAX_TEXT} characters")
        needs_value = condition.operator not in ("IS_EMPTY", "IS_NOT_EMPTY")
        if needs_value and condition.value is None and not values:
            raise errors.invalid(f"{where}.value", f"{condition.operator} compares with a value")
        item: dict[str, Any] = {
            "filterType": condition.filter_type,
            "property": condition.property,
            "operator": condition.operator,
        }
        if condition.value is not None:
            item["value"] = condition.value
        if condition.values is not None:
            item["values"] = list(values)
        checked.append(item)
    return checked
