"""An app's feature flags: a default state per flag HubSpot supports, and a state per account (portal) that
overrides it. Stored in `app_extensions` (kind `flag`, keyed by flag name; kind `flag.portal`, keyed by flag
name and portal id)."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from localspot.apps.extensions import errors
from localspot.apps.extensions.queries import ExtensionQueries
from localspot.kernel.storage import Database
from localspot.kernel.storage.portals import PortalQueries

# The flags HubSpot's feature flags API takes (its reference lists exactly these).
FLAG_NAMES = ("hs-hide-crm-cards", "hs-release-app-cards", "hs-release-mcp-server")
FLAG = "flag"
PORTAL_STATE = "flag.portal"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1_000
MAX_BATCH = 1_000
State = Literal["ABSENT", "OFF", "ON"]


class FlagPut(msgspec.Struct, rename="camel", omit_defaults=True):
    default_state: State
    override_state: State | None = None


class PortalStatePut(msgspec.Struct, rename="camel"):
    flag_state: State


class PortalEntry(msgspec.Struct, rename="camel"):
    portal_id: int
    flag_state: State


class PortalStatesPut(msgspec.Struct, rename="camel"):
    portal_states: list[PortalEntry]


class PortalIds(msgspec.Struct, rename="camel"):
    portal_ids: list[int]


def _flag_name(name: str) -> str:
    if name not in FLAG_NAMES:
        raise errors.invalid("flagName", f"must be one of {', '.join(FLAG_NAMES)}")
    return name


def _key(name: str, portal_id: int) -> str:
    return f"{name}/{portal_id}"


class FeatureFlags:
    def __init__(self, database: Database) -> None:
        self.database = database

    def names(self, app: dict[str, Any]) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            return {"flagsForApp": [key for key, _ in ExtensionQueries.of(session).items(app["appId"], FLAG)]}

    def get(self, app: dict[str, Any], name: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            return self._flag(ExtensionQueries.of(session), app, _flag_name(name))

    def put(self, app: dict[str, Any], name: str, body: FlagPut) -> dict[str, Any]:
        flag = {"appId": app["appId"], "flagName": _flag_name(name), **msgspec.to_builtins(body)}
        with self.database.session(write=True) as session:
            ExtensionQueries.of(session).save(app["appId"], FLAG, name, flag)
        return flag

    def delete(self, app: dict[str, Any], name: str) -> dict[str, Any]:
        """The flag and every account's state for it go; the answer is the flag as it now reads."""
        with self.database.session(write=True) as session:
            queries = ExtensionQueries.of(session)
            self._flag(queries, app, _flag_name(name))
            queries.delete(app["appId"], FLAG, name)
            for key, _ in queries.items(app["appId"], PORTAL_STATE):
                if key.startswith(name + "/"):
                    queries.delete(app["appId"], PORTAL_STATE, key)
        return {"appId": app["appId"], "flagName": name, "defaultState": "ABSENT"}

    # --- account states -------------------------------------------------------------------------------

    def portal_states(self, app: dict[str, Any], name: str, limit: str | None, start: str | None) -> dict[str, Any]:
        size = _whole("limit", limit, DEFAULT_LIMIT)
        if not 1 <= size <= MAX_LIMIT:
            raise errors.invalid("limit", f"must be from 1 to {MAX_LIMIT}")
        first = _whole("startPortalId", start, 0)
        with self.database.session(write=False) as session:
            queries = ExtensionQueries.of(session)
            self._flag(queries, app, _flag_name(name))
            states = self._states(queries, app, name)
        return {"portalFlagStates": [s for s in states if s["portalId"] >= first][:size]}

    def portal_state(self, app: dict[str, Any], name: str, raw_portal: str) -> dict[str, Any]:
        portal_id = _whole("portalId", raw_portal, 0)
        with self.database.session(write=False) as session:
            queries = ExtensionQueries.of(session)
            self._flag(queries, app, _flag_name(name))
            found = queries.item(app["appId"], PORTAL_STATE, _key(name, portal_id))
        if found is None:
            raise errors.portal_state_not_found(name, portal_id)
        return found

    def put_portal_state(self, app: dict[str, Any], name: str, raw_portal: str, body: PortalStatePut) -> dict[str, Any]:
        entry = PortalEntry(_whole("portalId", raw_portal, 0), body.flag_state)
        return self._upsert(app, name, [entry])[0]

    def upsert(self, app: dict[str, Any], name: str, body: PortalStatesPut) -> dict[str, Any]:
        if not 1 <= len(body.portal_states) <= MAX_BATCH:
            raise errors.invalid("portalStates", f"must hold from 1 to {MAX_BATCH} entries")
        return {"portalFlagStates": self._upsert(app, name, body.portal_states)}

    def delete_portal_state(self, app: dict[str, Any], name: str, raw_portal: str) -> dict[str, Any]:
        return self._delete(app, name, [_whole("portalId", raw_portal, 0)])[0]

    def batch_delete(self, app: dict[str, Any], name: str, body: PortalIds) -> dict[str, Any]:
        if not 1 <= len(body.portal_ids) <= MAX_BATCH:
            raise errors.invalid("portalIds", f"must hold from 1 to {MAX_BATCH} entries")
        return {"portalFlagStates": self._delete(app, name, body.portal_ids)}

    def _upsert(self, app: dict[str, Any], name: str, entries: list[PortalEntry]) -> list[dict[str, Any]]:
        with self.database.session(write=True) as session:
            queries = ExtensionQueries.of(session)
            self._flag(queries, app, _flag_name(name))
            portals = PortalQueries.of(session)
            for entry in entries:
                if not portals.portals(entry.portal_id):
                    raise errors.portal_not_found(entry.portal_id)
            answers = []
            for entry in entries:
                state = {"appId": app["appId"], "flagName": name, "portalId": entry.portal_id}
                state["flagState"] = entry.flag_state
                queries.save(app["appId"], PORTAL_STATE, _key(name, entry.portal_id), state)
                answers.append(state)
        return answers

    def _delete(self, app: dict[str, Any], name: str, portal_ids: list[int]) -> list[dict[str, Any]]:
        """Each account's state goes; the answer is each as it now reads (ABSENT)."""
        with self.database.session(write=True) as session:
            queries = ExtensionQueries.of(session)
            self._flag(queries, app, _flag_name(name))
            for portal_id in portal_ids:
                queries.delete(app["appId"], PORTAL_STATE, _key(name, portal_id))
        return [
            {"appId": app["appId"], "flagName": name, "portalId": portal_id, "flagState": "ABSENT"}
            for portal_id in portal_ids
        ]

    @staticmethod
    def _flag(queries: ExtensionQueries, app: dict[str, Any], name: str) -> dict[str, Any]:
        found = queries.item(app["appId"], FLAG, name)
        if found is None:
            raise errors.flag_not_found(name)
        return found

    @staticmethod
    def _states(queries: ExtensionQueries, app: dict[str, Any], name: str) -> list[dict[str, Any]]:
        states = [state for key, state in queries.items(app["appId"], PORTAL_STATE) if key.startswith(name + "/")]
        return sorted(states, key=lambda state: state["portalId"])


def _whole(field: str, raw: str | None, default: int) -> int:
    if raw is None:
        return default
    if not raw.isdigit() or len(raw) > 18:
        raise errors.invalid(field, "must be a whole number")
    return int(raw)
