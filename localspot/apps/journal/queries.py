"""The webhooks journal's SQL: subscriptions and filters, entries, snapshot statuses."""

from __future__ import annotations

from typing import Any

import msgspec

from localspot.kernel.storage.session import Queries, encode_json

_decode = msgspec.json.decode
# The one key every journal-writing transaction of PostgreSQL takes (pg_advisory_xact_lock) before it numbers
# its entries, so entry ids grow in commit order and a reader paging forward never skips one committed late.
JOURNAL_LOCK_KEY = 0x4A4F55524E414C  # "JOURNAL"
_ENTRY = "id, offset_id, portal_id, created_at"


class JournalQueries(Queries):
    # --- subscriptions -------------------------------------------------------------------------------

    def subscriptions(self, app_id: int, ids: list[int] | None = None) -> list[dict[str, Any]]:
        if ids is None:
            rows = self.fetchall(
                "SELECT subscription FROM journal_subscriptions WHERE app_id = ? ORDER BY id", (app_id,)
            )
        else:
            marks = ", ".join("?" * len(ids)) or "NULL"
            rows = self.fetchall(
                f"SELECT subscription FROM journal_subscriptions WHERE app_id = ? AND id IN ({marks}) ORDER BY id",
                (app_id, *ids),
            )
        return [_decode(row[0]) for row in rows]

    def subscription_by_key(self, app_id: int, kind: str, portal_id: int, type_id: str) -> dict[str, Any] | None:
        row = self.fetchone(
            "SELECT subscription FROM journal_subscriptions WHERE app_id = ? AND subscription_type = ? "
            "AND portal_id = ? AND object_type_id = ?",
            (app_id, kind, portal_id, type_id),
        )
        return None if row is None else _decode(row[0])

    def count_subscriptions(self, app_id: int) -> int:
        return self.fetchone("SELECT count(*) FROM journal_subscriptions WHERE app_id = ?", (app_id,))[0]

    def insert_subscription(self, app_id: int, kind: str, portal_id: int, type_id: str, body: dict[str, Any]) -> bool:
        """A new subscription, unless one of its key exists (a concurrent upsert won): whether it was inserted."""
        rows = self.fetchall(
            "INSERT INTO journal_subscriptions (id, app_id, subscription_type, portal_id, object_type_id, "
            "subscription) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (app_id, subscription_type, portal_id, object_type_id) DO NOTHING RETURNING id",
            (body["id"], app_id, kind, portal_id, type_id, encode_json(body).decode()),
        )
        return bool(rows)

    def update_subscription(self, app_id: int, body: dict[str, Any]) -> None:
        self.execute(
            "UPDATE journal_subscriptions SET subscription = ? WHERE app_id = ? AND id = ?",
            (encode_json(body).decode(), app_id, body["id"]),
        )

    def delete_subscriptions(
        self, app_id: int, *, subscription_id: int | None = None, portal_id: int | None = None
    ) -> int:
        """One subscription, or every one of a portal; their filters go with them. The number deleted."""
        column, value = ("id", subscription_id) if subscription_id is not None else ("portal_id", portal_id)
        ids = [
            row[0]
            for row in self.fetchall(
                f"DELETE FROM journal_subscriptions WHERE app_id = ? AND {column} = ? RETURNING id", (app_id, value)
            )
        ]
        for found in ids:
            self.execute("DELETE FROM journal_filters WHERE subscription_id = ?", (found,))
        return len(ids)

    def listening(self, portal_id: int) -> list[tuple[int, dict[str, Any], list[dict[str, Any]]]]:
        """(app id, subscription, its filters) of the portal's subscriptions of apps installed there."""
        rows = self.fetchall(
            "SELECT s.app_id, s.id, s.subscription FROM journal_subscriptions s WHERE s.portal_id = ? AND s.app_id IN "
            "(SELECT app_id FROM oauth_refresh_tokens WHERE portal_id = ?) ORDER BY s.id",
            (portal_id, portal_id),
        )
        filters: dict[int, list[dict[str, Any]]] = {}
        if rows:
            marks = ", ".join("?" * len(rows))
            for subscription_id, body in self.fetchall(
                f"SELECT subscription_id, filter FROM journal_filters WHERE subscription_id IN ({marks}) ORDER BY id",
                tuple(row[1] for row in rows),
            ):
                filters.setdefault(subscription_id, []).append(_decode(body))
        return [(row[0], _decode(row[2]), filters.get(row[1], [])) for row in rows]

    def lifecycle_subscriptions(self, app_id: int, event_type_id: str) -> list[dict[str, Any]]:
        rows = self.fetchall(
            "SELECT subscription FROM journal_subscriptions WHERE app_id = ? AND subscription_type = "
            "'APP_LIFECYCLE_EVENT' AND object_type_id = ?",
            (app_id, event_type_id),
        )
        return [_decode(row[0]) for row in rows]

    def installed(self, app_id: int, portal_id: int) -> tuple[str, ...] | None:
        """The scopes of the app's install in the portal (a refresh token of it), or None."""
        row = self.fetchone(
            "SELECT scopes FROM oauth_refresh_tokens WHERE app_id = ? AND portal_id = ? LIMIT 1", (app_id, portal_id)
        )
        return None if row is None else tuple(row[0].split())

    # --- filters ---------------------------------------------------------------------------------------

    def insert_filter(self, filter_id: int, app_id: int, subscription_id: int, body: str, now: int) -> None:
        self.execute(
            "INSERT INTO journal_filters (id, app_id, subscription_id, filter, created_at) VALUES (?, ?, ?, ?, ?)",
            (filter_id, app_id, subscription_id, body, now),
        )

    def filters(
        self, app_id: int, *, filter_id: int | None = None, subscription_id: int | None = None
    ) -> list[tuple[int, dict[str, Any], int]]:
        column, value = ("id", filter_id) if filter_id is not None else ("subscription_id", subscription_id)
        rows = self.fetchall(
            f"SELECT id, filter, created_at FROM journal_filters WHERE app_id = ? AND {column} = ? ORDER BY id",
            (app_id, value),
        )
        return [(row[0], _decode(row[1]), row[2]) for row in rows]

    def delete_filter(self, app_id: int, filter_id: int) -> bool:
        return bool(
            self.fetchall("DELETE FROM journal_filters WHERE app_id = ? AND id = ? RETURNING id", (app_id, filter_id))
        )

    # --- entries ---------------------------------------------------------------------------------------

    def lock_for_entries(self) -> None:
        """Held to the end of the transaction: entries are numbered in commit order (SQLite's writes are
        serial already)."""
        if self.dialect.name != "sqlite":
            self.execute("SELECT pg_advisory_xact_lock(?)", (JOURNAL_LOCK_KEY,))

    def insert_entries(self, rows: list[tuple[int, int, int, str, str, int, int]]) -> None:
        """(id, app id, portal id, offset, payload (a JSON array), event count, created at)."""
        self.executemany(
            "INSERT INTO journal_entries (id, app_id, portal_id, offset_id, payload, event_count, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def prune(self, before: int) -> None:
        self.execute("DELETE FROM journal_entries WHERE created_at < ?", (before,))
        self.execute("DELETE FROM journal_snapshots WHERE initiated_at < ?", (before,))

    def entries(
        self, app_id: int, portal_id: int | None, since: int, *, after: int = 0, count: int, newest: bool = False
    ) -> list[tuple[int, str, int, int]]:
        """(id, offset, portal id, created at) of up to `count` entries created at `since` or later with ids
        above `after`, oldest first (the newest ones with `newest`)."""
        where, params = "app_id = ? AND id > ? AND created_at >= ?", [app_id, after, since]
        if portal_id is not None:
            where += " AND portal_id = ?"
            params.append(portal_id)
        order = "DESC" if newest else "ASC"
        rows = self.fetchall(
            f"SELECT {_ENTRY} FROM journal_entries WHERE {where} ORDER BY id {order} LIMIT ?", (*params, count)
        )
        found = [(row[0], row[1], row[2], row[3]) for row in rows]
        return found[::-1] if newest else found

    def entries_by_offset(self, app_id: int, offsets: list[str]) -> dict[str, tuple[int, str, int, int]]:
        marks = ", ".join("?" * len(offsets)) or "NULL"
        rows = self.fetchall(
            f"SELECT {_ENTRY} FROM journal_entries WHERE app_id = ? AND offset_id IN ({marks})", (app_id, *offsets)
        )
        return {row[1]: (row[0], row[1], row[2], row[3]) for row in rows}

    def entry_file(self, app_id: int, offset: str) -> tuple[str, int] | None:
        """(payload, created at) of one entry."""
        row = self.fetchone(
            "SELECT payload, created_at FROM journal_entries WHERE app_id = ? AND offset_id = ?", (app_id, offset)
        )
        return None if row is None else (row[0], row[1])

    # --- snapshots -------------------------------------------------------------------------------------

    def insert_snapshots(self, rows: list[tuple[str, int, int, str, str | None, str | None, int, int]]) -> None:
        """(id, app id, portal id, status, error code, message, initiated at, completed at)."""
        self.executemany(
            "INSERT INTO journal_snapshots (id, app_id, portal_id, status, error_code, message, initiated_at, "
            "completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def snapshot(self, app_id: int, status_id: str) -> tuple[str, str | None, str | None, int, int | None] | None:
        row = self.fetchone(
            "SELECT status, error_code, message, initiated_at, completed_at FROM journal_snapshots "
            "WHERE app_id = ? AND id = ?",
            (app_id, status_id),
        )
        return None if row is None else (row[0], row[1], row[2], row[3], row[4])
