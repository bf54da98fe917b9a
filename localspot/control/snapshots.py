"""Named snapshots of a portal, kept in the database (so they survive a restart), and a consistent copy of the
whole SQLite database for file backups."""

from __future__ import annotations

import os
import re
import sqlite3
from typing import Any

import msgspec

from localspot.control import errors
from localspot.control.queries import ControlQueries
from localspot.kernel.storage import Database, Session
from localspot.kernel.storage.database import SqliteDatabase
from localspot.kernel.storage.portal_data import PortalData
from localspot.kernel.storage.portals import PortalQueries
from localspot.kernel.timeutil import iso_from_ms

SNAPSHOT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class SnapshotCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: str


class DatabaseCopy(msgspec.Struct, forbid_unknown_fields=True):
    path: str


class SnapshotAdmin:
    def __init__(self, database: Database) -> None:
        self.database = database

    def create(self, portal_id: int, body: SnapshotCreate) -> tuple[int, dict[str, Any]]:
        name = _checked_name(body.name)
        with self.database.session(write=True) as session:
            _require_portal(session, portal_id)
            data = PortalData.of(session)
            count = sum(data.record_counts(portal_id).values())
            now = self.database.clock.now_ms()
            if not ControlQueries.of(session).save_snapshot(portal_id, name, now, count, data.copy(portal_id)):
                raise errors.snapshot_exists(portal_id, name)
        return 201, _render(name, now, count)

    def list(self, portal_id: int) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            _require_portal(session, portal_id)
            return {"results": [_render(*row) for row in ControlQueries.of(session).snapshots(portal_id)]}

    def restore(self, portal_id: int, name: str) -> None:
        with self.database.session(write=True) as session:
            _require_portal(session, portal_id)
            data = ControlQueries.of(session).snapshot_data(portal_id, name)
            if data is None:
                raise errors.snapshot_not_found(portal_id, name)
            PortalData.of(session).restore(portal_id, data)

    def delete(self, portal_id: int, name: str) -> None:
        with self.database.session(write=True) as session:
            _require_portal(session, portal_id)
            if not ControlQueries.of(session).delete_snapshot(portal_id, name):
                raise errors.snapshot_not_found(portal_id, name)

    def copy_database(self, body: DatabaseCopy) -> tuple[int, dict[str, Any]]:
        """A consistent copy of the whole SQLite database at `path` (the SQLite backup API), for file backups."""
        if not isinstance(self.database, SqliteDatabase):
            raise errors.invalid_admin_input("", "a database file copy is for SQLite; back PostgreSQL up with pg_dump")
        path = body.path
        if not path or "\x00" in path:
            raise errors.invalid_admin_input("path", "must name a file")
        if os.path.exists(path):
            raise errors.invalid_admin_input("path", f"{path} already exists")
        if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            raise errors.invalid_admin_input("path", f"the directory of {path} does not exist")
        try:
            target = sqlite3.connect(path)
        except sqlite3.Error as exc:
            raise errors.invalid_admin_input("path", f"cannot be written: {exc}") from None
        try:
            self.database.backup_to(target)
        finally:
            target.close()
        return 201, {"path": os.path.abspath(path), "bytes": os.path.getsize(path)}


def _checked_name(name: str) -> str:
    if not SNAPSHOT_NAME.match(name):
        raise errors.invalid_admin_input(
            "name", "must be 1 to 100 letters, digits, dots, dashes or underscores, starting with a letter or digit"
        )
    return name


def _require_portal(session: Session, portal_id: int) -> None:
    if not PortalQueries.of(session).portals(portal_id):
        raise errors.portal_not_found(portal_id)


def _render(name: str, created_at: int, record_count: int) -> dict[str, Any]:
    return {"name": name, "createdAt": iso_from_ms(created_at), "recordCount": record_count}
