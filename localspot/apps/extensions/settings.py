"""One engine for the settings an app keeps once per extension point: calling extension settings, their
recording and channel connection settings, and video conferencing settings. Each kind is data (`Kind`): the
body it takes whole, the body it takes as a patch, which fields are URLs or sizes, and whether it is stamped
with createdAt/updatedAt. Stored in `app_extensions` under the kind's name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from localspot.apps.extensions import errors
from localspot.apps.extensions.queries import ExtensionQueries
from localspot.kernel.storage import Database
from localspot.kernel.timeutil import iso_from_ms

MAX_TEXT = 2_000


class CallingSettings(msgspec.Struct, rename="camel"):
    name: str
    url: str
    height: int
    width: int
    is_ready: bool
    supports_custom_objects: bool
    supports_inbound_calling: bool
    uses_calling_window: bool
    uses_remote: bool


class CallingSettingsPatch(msgspec.Struct, rename="camel", omit_defaults=True):
    name: str | None = None
    url: str | None = None
    height: int | None = None
    width: int | None = None
    is_ready: bool | None = None
    supports_custom_objects: bool | None = None
    supports_inbound_calling: bool | None = None
    uses_calling_window: bool | None = None
    uses_remote: bool | None = None


class RecordingSettings(msgspec.Struct, rename="camel"):
    url_to_retrieve_authed_recording: str


class RecordingSettingsPatch(msgspec.Struct, rename="camel", omit_defaults=True):
    url_to_retrieve_authed_recording: str | None = None


class ChannelConnection(msgspec.Struct, rename="camel"):
    url: str
    is_ready: bool


class ChannelConnectionPatch(msgspec.Struct, rename="camel", omit_defaults=True):
    url: str | None = None
    is_ready: bool | None = None


class VideoConferencing(msgspec.Struct, rename="camel", omit_defaults=True):
    create_meeting_url: str
    update_meeting_url: str | None = None
    delete_meeting_url: str | None = None
    user_verify_url: str | None = None
    fetch_accounts_uri: str | None = None


@dataclass(frozen=True)
class Kind:
    name: str
    what: str
    whole: type[msgspec.Struct]
    patch: type[msgspec.Struct] | None
    urls: tuple[str, ...]
    sizes: tuple[str, ...] = ()
    stamped: bool = False


CALLING = Kind(
    "calling", "calling extension settings", CallingSettings, CallingSettingsPatch, ("url",), ("height", "width"), True
)
RECORDING = Kind(
    "calling.recording",
    "recording settings",
    RecordingSettings,
    RecordingSettingsPatch,
    ("urlToRetrieveAuthedRecording",),
)
CHANNEL_CONNECTION = Kind(
    "calling.channel-connection",
    "channel connection settings",
    ChannelConnection,
    ChannelConnectionPatch,
    ("url",),
    stamped=True,
)
VIDEO_CONFERENCING = Kind(
    "videoconferencing",
    "video conferencing settings",
    VideoConferencing,
    None,
    ("createMeetingUrl", "updateMeetingUrl", "deleteMeetingUrl", "userVerifyUrl", "fetchAccountsUri"),
)


def checked_url(field: str, url: str) -> str:
    if not url.startswith(("https://", "http://")) or len(url) > MAX_TEXT:
        raise errors.invalid(field, "must be an http or https URL")
    return url


def checked(kind: Kind, values: dict[str, Any]) -> dict[str, Any]:
    for field in kind.urls:
        if values.get(field) is not None:
            checked_url(field, values[field])
    for field in kind.sizes:
        if field in values and not 1 <= values[field] <= 10_000:
            raise errors.invalid(field, "must be a whole number of pixels from 1 to 10000")
    if "name" in values and not 0 < len(values["name"].strip()) <= 200:
        raise errors.invalid("name", "must be from 1 to 200 characters")
    return values


class AppSettings:
    """Settings of one kind per app: read, created once, patched, replaced, deleted."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def get(self, app: dict[str, Any], kind: Kind) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            found = ExtensionQueries.of(session).item(app["appId"], kind.name)
        if found is None:
            raise errors.settings_not_found(kind.what, app["appId"])
        return found

    def create(self, app: dict[str, Any], kind: Kind, body: msgspec.Struct) -> dict[str, Any]:
        values = checked(kind, msgspec.to_builtins(body))
        with self.database.session(write=True) as session:
            queries = ExtensionQueries.of(session)
            if queries.item(app["appId"], kind.name) is not None:
                raise errors.settings_exist(kind.what, app["appId"])
            return self._save(session, queries, app, kind, values, None)

    def replace(self, app: dict[str, Any], kind: Kind, body: msgspec.Struct) -> dict[str, Any]:
        values = checked(kind, msgspec.to_builtins(body))
        with self.database.session(write=True) as session:
            queries = ExtensionQueries.of(session)
            return self._save(session, queries, app, kind, values, queries.item(app["appId"], kind.name))

    def update(self, app: dict[str, Any], kind: Kind, body: msgspec.Struct) -> dict[str, Any]:
        changes = checked(kind, msgspec.to_builtins(body))
        with self.database.session(write=True) as session:
            queries = ExtensionQueries.of(session)
            current = queries.item(app["appId"], kind.name)
            if current is None:
                raise errors.settings_not_found(kind.what, app["appId"])
            return self._save(session, queries, app, kind, {**current, **changes}, current)

    def delete(self, app: dict[str, Any], kind: Kind) -> None:
        with self.database.session(write=True) as session:
            if not ExtensionQueries.of(session).delete(app["appId"], kind.name):
                raise errors.settings_not_found(kind.what, app["appId"])

    @staticmethod
    def _save(
        session: Any,
        queries: ExtensionQueries,
        app: dict[str, Any],
        kind: Kind,
        values: dict[str, Any],
        current: dict[str, Any] | None,
    ) -> dict[str, Any]:
        if kind.stamped:
            now = iso_from_ms(session.clock.now_ms())
            values = {**values, "createdAt": current["createdAt"] if current else now, "updatedAt": now}
        queries.save(app["appId"], kind.name, "", values)
        return values
