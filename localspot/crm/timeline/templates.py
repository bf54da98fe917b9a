"""An app's timeline event templates and their tokens. Templates belong to the app (every portal that installs
it writes events with them), so the calls authenticate with the app's developer API key, as HubSpot's do."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import msgspec

from localspot.crm.timeline import errors
from localspot.crm.timeline.queries import TimelineQueries
from localspot.kernel.schema import Catalog
from localspot.kernel.storage import Database
from localspot.kernel.timeutil import iso_from_ms

TOKEN_TYPES = ("date", "enumeration", "number", "string")
OBJECT_TYPES = ("contacts", "companies", "deals", "tickets")
TOKEN_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,99}$")
# Names HubSpot's template language keeps for itself.
RESERVED_TOKENS = frozenset({"log", "lookup", "extradata", "timestamp", "objectid", "email", "utk", "domain"})
MAX_TOKENS = 500
MAX_TEMPLATE_TEXT = 50_000


class TokenOption(msgspec.Struct):
    label: str
    value: str


class Token(msgspec.Struct, rename="camel"):
    name: str
    label: str
    type: str
    options: list[TokenOption] = []
    object_property_name: str | None = None


class TokenUpdate(msgspec.Struct, rename="camel"):
    label: str
    options: list[TokenOption] = []
    object_property_name: str | None = None


class TemplateCreate(msgspec.Struct, rename="camel"):
    name: str
    object_type: str
    tokens: list[Token] = []
    header_template: str | None = None
    detail_template: str | None = None


class TemplateUpdate(msgspec.Struct, rename="camel"):
    id: str
    name: str
    tokens: list[Token] = []
    header_template: str | None = None
    detail_template: str | None = None


class TimelineTemplates:
    def __init__(self, database: Database, catalog: Catalog, app_for: Callable[[str, str | None], dict[str, Any]]):
        self.database = database
        self.catalog = catalog
        # The app of a path's appId whose developer API key the caller gives (raises HubSpot's error otherwise).
        self.app_for = app_for

    def create(self, app_id: str, key: str | None, body: TemplateCreate) -> tuple[int, dict[str, Any]]:
        app = self.app_for(app_id, key)
        object_type = self._object_type(body.object_type)
        tokens = _checked_tokens(body.tokens)
        _checked_text(body)
        with self.database.session(write=True) as session:
            template_id = session.reserve_ids(1)[0]
            now = iso_from_ms(session.clock.now_ms())
            template = {
                "id": str(template_id),
                "name": _checked_name(body.name),
                "objectType": object_type,
                "headerTemplate": body.header_template,
                "detailTemplate": body.detail_template,
                "tokens": [_stamped(token, now) for token in tokens],
                "createdAt": now,
                "updatedAt": now,
            }
            TimelineQueries.of(session).insert_template(int(app["appId"]), template_id, template)
        return 201, _shown(template)

    def list(self, app_id: str, key: str | None) -> dict[str, Any]:
        app = self.app_for(app_id, key)
        with self.database.session(write=False) as session:
            return {"results": [_shown(t) for t in TimelineQueries.of(session).templates(int(app["appId"]))]}

    def get(self, app_id: str, key: str | None, template_id: str) -> dict[str, Any]:
        app = self.app_for(app_id, key)
        with self.database.session(write=False) as session:
            return _shown(self._template(session, app, template_id))

    def update(self, app_id: str, key: str | None, template_id: str, body: TemplateUpdate) -> dict[str, Any]:
        app = self.app_for(app_id, key)
        if body.id != template_id:
            raise errors.invalid_timeline("The body's id must be the template id of the path.")
        tokens = _checked_tokens(body.tokens)
        _checked_text(body)
        with self.database.session(write=True) as session:
            template = self._template(session, app, template_id)
            now = iso_from_ms(session.clock.now_ms())
            known = {token["name"]: token for token in template["tokens"]}
            template.update(
                name=_checked_name(body.name),
                headerTemplate=body.header_template,
                detailTemplate=body.detail_template,
                tokens=[_stamped(token, now, known.get(token.name)) for token in tokens],
                updatedAt=now,
            )
            TimelineQueries.of(session).save_template(int(template_id), template)
        return _shown(template)

    def delete(self, app_id: str, key: str | None, template_id: str) -> None:
        """The template and every event written with it go."""
        app = self.app_for(app_id, key)
        with self.database.session(write=True) as session:
            self._template(session, app, template_id)
            TimelineQueries.of(session).delete_template(int(template_id))

    def add_token(self, app_id: str, key: str | None, template_id: str, body: Token) -> dict[str, Any]:
        app = self.app_for(app_id, key)
        (token,) = _checked_tokens([body])
        with self.database.session(write=True) as session:
            template = self._template(session, app, template_id)
            if any(t["name"] == token.name for t in template["tokens"]):
                raise errors.token_exists(token.name)
            now = iso_from_ms(session.clock.now_ms())
            stamped = _stamped(token, now)
            template["tokens"].append(stamped)
            template["updatedAt"] = now
            TimelineQueries.of(session).save_template(int(template_id), template)
        return _shown_token(stamped)

    def update_token(self, app_id: str, key: str | None, template_id: str, name: str, body: TokenUpdate):
        app = self.app_for(app_id, key)
        with self.database.session(write=True) as session:
            template = self._template(session, app, template_id)
            current = next((t for t in template["tokens"] if t["name"] == name), None)
            if current is None:
                raise errors.token_not_found(template_id, name)
            changed = Token(name, body.label, current["type"], body.options, body.object_property_name)
            (checked,) = _checked_tokens([changed])
            now = iso_from_ms(session.clock.now_ms())
            current.update(_stamped(checked, now, current))
            template["updatedAt"] = now
            TimelineQueries.of(session).save_template(int(template_id), template)
        return _shown_token(current)

    def delete_token(self, app_id: str, key: str | None, template_id: str, name: str) -> None:
        app = self.app_for(app_id, key)
        with self.database.session(write=True) as session:
            template = self._template(session, app, template_id)
            kept = [t for t in template["tokens"] if t["name"] != name]
            if len(kept) == len(template["tokens"]):
                raise errors.token_not_found(template_id, name)
            template.update(tokens=kept, updatedAt=iso_from_ms(session.clock.now_ms()))
            TimelineQueries.of(session).save_template(int(template_id), template)

    def _template(self, session: Any, app: dict[str, Any], template_id: str) -> dict[str, Any]:
        found = (
            TimelineQueries.of(session).template(int(template_id), int(app["appId"]))
            if template_id.isdigit() and len(template_id) < 19
            else None
        )
        if found is None:
            raise errors.template_not_found(template_id)
        return found

    def _object_type(self, given: str) -> str:
        for object_type in self.catalog.object_types:
            names = {object_type.name, object_type.object_type_id, object_type.singular, *object_type.aliases}
            if given.lower() in {name.lower() for name in names} and object_type.name in OBJECT_TYPES:
                return object_type.name
        raise errors.invalid_timeline(f"objectType must be one of {', '.join(OBJECT_TYPES)} (or their ids).")


def _checked_tokens(tokens: list[Token]) -> list[Token]:
    if len(tokens) > MAX_TOKENS:
        raise errors.invalid_timeline(f"A template has at most {MAX_TOKENS} tokens.")
    names = [token.name for token in tokens]
    if len(set(names)) != len(names):
        raise errors.invalid_timeline("Each token of a template needs a name of its own.")
    for token in tokens:
        if not TOKEN_NAME.match(token.name) or token.name in RESERVED_TOKENS:
            raise errors.invalid_timeline(
                f"Token name {token.name[:60]!r}: lower-case letters, digits, `_` and `-`, starting with a letter, "
                f"and none of {', '.join(sorted(RESERVED_TOKENS))}.",
                {"tokenName": [token.name[:60]]},
            )
        if token.type not in TOKEN_TYPES:
            raise errors.invalid_timeline(f"Token {token.name}: type must be one of {', '.join(TOKEN_TYPES)}.")
        if token.type == "enumeration" and not token.options:
            raise errors.invalid_timeline(f"Token {token.name}: an enumeration token needs its options.")
        if not token.label.strip():
            raise errors.invalid_timeline(f"Token {token.name}: a label is required.")
    return tokens


def _checked_name(name: str) -> str:
    if not name.strip() or len(name) > 200:
        raise errors.invalid_timeline("A template's name must be 1 to 200 characters.")
    return name


def _checked_text(body: TemplateCreate | TemplateUpdate) -> None:
    for text in (body.header_template, body.detail_template):
        if text is not None and len(text) > MAX_TEMPLATE_TEXT:
            raise errors.invalid_timeline(
                f"headerTemplate and detailTemplate hold at most {MAX_TEMPLATE_TEXT} characters."
            )


def _stamped(token: Token, now: str, before: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": token.name,
        "label": token.label,
        "type": token.type,
        "options": [{"label": o.label, "value": o.value} for o in token.options],
        "objectPropertyName": token.object_property_name,
        "createdAt": before["createdAt"] if before else now,
        "updatedAt": now,
    }


def _shown_token(token: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in token.items() if value is not None}


def _shown(template: dict[str, Any]) -> dict[str, Any]:
    shown = {key: value for key, value in template.items() if value is not None}
    shown["tokens"] = [_shown_token(token) for token in template["tokens"]]
    return shown
