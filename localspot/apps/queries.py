"""The app platform's SQL: apps, authorization codes, refresh tokens and app-level tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from localspot.kernel.storage.session import Queries, chunks, encode_json, placeholders

_decode = msgspec.json.decode


@dataclass(frozen=True, slots=True)
class Grant:
    """What a code or a refresh token stands for: an app's install in a portal, with its scopes."""

    app_id: int
    portal_id: int
    scopes: tuple[str, ...]
    redirect_uri: str = ""
    expires_at: int = 0


class AppQueries(Queries):
    def insert_app(self, app_id: int, client_id: str, definition: dict[str, Any], now: int) -> None:
        self.execute(
            "INSERT INTO apps (id, client_id, definition, created_at) VALUES (?, ?, ?, ?)",
            (app_id, client_id, encode_json(definition).decode(), now),
        )

    def apps(self, app_id: int | None = None) -> list[dict[str, Any]]:
        where, params = ("WHERE id = ?", (app_id,)) if app_id is not None else ("", ())
        return [_decode(row[0]) for row in self.fetchall(f"SELECT definition FROM apps {where} ORDER BY id", params)]

    def app_by_client_id(self, client_id: str) -> dict[str, Any] | None:
        row = self.fetchone("SELECT definition FROM apps WHERE client_id = ?", (client_id,))
        return None if row is None else _decode(row[0])

    def delete_app(self, app_id: int) -> bool:
        """The app and everything issued to it: codes, refresh tokens, access tokens, app tokens."""
        for table in (
            "oauth_codes",
            "oauth_refresh_tokens",
            "oauth_app_tokens",
            "tokens",
            "webhook_settings",
            "webhook_subscriptions",
            "webhook_events",
            "webhook_deliveries",
            "app_extensions",
            "journal_subscriptions",
            "journal_filters",
            "journal_entries",
            "journal_snapshots",
        ):
            self.execute(f"DELETE FROM {table} WHERE app_id = ?", (app_id,))
        return bool(self.fetchall("DELETE FROM apps WHERE id = ? RETURNING id", (app_id,)))

    def delete_install(self, app_id: int, portal_id: int) -> None:
        """The app's install in one portal: its codes, refresh tokens and access tokens there."""
        for table in ("oauth_codes", "oauth_refresh_tokens", "tokens"):
            self.execute(f"DELETE FROM {table} WHERE app_id = ? AND portal_id = ?", (app_id, portal_id))

    # --- codes and refresh tokens -------------------------------------------------------------------

    def insert_code(self, code_hash: str, grant: Grant) -> None:
        self.execute(
            "INSERT INTO oauth_codes (code_hash, app_id, portal_id, redirect_uri, scopes, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (code_hash, grant.app_id, grant.portal_id, grant.redirect_uri, " ".join(grant.scopes), grant.expires_at),
        )

    def take_code(self, code_hash: str) -> Grant | None:
        """The code's grant, used up: a code is exchanged once."""
        row = self.fetchone(
            "DELETE FROM oauth_codes WHERE code_hash = ? RETURNING app_id, portal_id, scopes, redirect_uri, expires_at",
            (code_hash,),
        )
        return None if row is None else Grant(row[0], row[1], tuple(row[2].split()), row[3], row[4])

    def insert_refresh_token(self, token_hash: str, grant: Grant, now: int) -> None:
        self.execute(
            "INSERT INTO oauth_refresh_tokens (token_hash, app_id, portal_id, scopes, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (token_hash, grant.app_id, grant.portal_id, " ".join(grant.scopes), now),
        )

    def refresh_token(self, token_hash: str) -> Grant | None:
        row = self.fetchone(
            "SELECT app_id, portal_id, scopes FROM oauth_refresh_tokens WHERE token_hash = ?", (token_hash,)
        )
        return None if row is None else Grant(row[0], row[1], tuple(row[2].split()))

    def delete_refresh_token(self, token_hash: str) -> bool:
        return bool(
            self.fetchall("DELETE FROM oauth_refresh_tokens WHERE token_hash = ? RETURNING app_id", (token_hash,))
        )

    # --- access tokens (in `tokens`, the CRM's own table) and app-level tokens --------------------------

    def access_token(self, token_hash: str) -> Grant | None:
        row = self.fetchone(
            "SELECT app_id, portal_id, scopes, expires_at FROM tokens WHERE token_hash = ? AND app_id IS NOT NULL",
            (token_hash,),
        )
        return None if row is None else Grant(row[0], row[1], tuple(row[2].split()), expires_at=row[3])

    def insert_app_token(self, token_hash: str, app_id: int, scopes: tuple[str, ...], expires_at: int) -> None:
        self.execute(
            "INSERT INTO oauth_app_tokens (token_hash, app_id, scopes, expires_at) VALUES (?, ?, ?, ?)",
            (token_hash, app_id, " ".join(scopes), expires_at),
        )

    def app_token(self, token_hash: str) -> Grant | None:
        row = self.fetchone(
            "SELECT app_id, scopes, expires_at FROM oauth_app_tokens WHERE token_hash = ?", (token_hash,)
        )
        return None if row is None else Grant(row[0], 0, tuple(row[1].split()), expires_at=row[2])


class WebhookQueries(Queries):
    def settings(self, app_id: int) -> dict[str, Any] | None:
        row = self.fetchone("SELECT settings FROM webhook_settings WHERE app_id = ?", (app_id,))
        return None if row is None else _decode(row[0])

    def save_settings(self, app_id: int, settings: dict[str, Any]) -> None:
        text = encode_json(settings).decode()
        self.execute(
            "INSERT INTO webhook_settings (app_id, settings) VALUES (?, ?) "
            "ON CONFLICT (app_id) DO UPDATE SET settings = excluded.settings",
            (app_id, text),
        )

    def delete_settings(self, app_id: int) -> bool:
        return bool(self.fetchall("DELETE FROM webhook_settings WHERE app_id = ? RETURNING app_id", (app_id,)))

    def subscriptions(self, app_id: int, ids: list[int] | None = None) -> list[dict[str, Any]]:
        if ids is None:
            rows = self.fetchall(
                "SELECT subscription FROM webhook_subscriptions WHERE app_id = ? ORDER BY id", (app_id,)
            )
        else:
            marks = ", ".join("?" * len(ids)) or "NULL"
            rows = self.fetchall(
                f"SELECT subscription FROM webhook_subscriptions WHERE app_id = ? AND id IN ({marks}) ORDER BY id",
                (app_id, *ids),
            )
        return [_decode(row[0]) for row in rows]

    def count_subscriptions(self, app_id: int) -> int:
        return self.fetchone("SELECT count(*) FROM webhook_subscriptions WHERE app_id = ?", (app_id,))[0]

    def save_subscription(self, app_id: int, subscription_id: int, subscription: dict[str, Any]) -> None:
        text = encode_json(subscription).decode()
        self.execute(
            "INSERT INTO webhook_subscriptions (id, app_id, subscription) VALUES (?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET subscription = excluded.subscription",
            (subscription_id, app_id, text),
        )

    def delete_subscription(self, app_id: int, subscription_id: int) -> bool:
        return bool(
            self.fetchall(
                "DELETE FROM webhook_subscriptions WHERE app_id = ? AND id = ? RETURNING id", (app_id, subscription_id)
            )
        )


class OutboxQueries(Queries):
    """The webhook outbox: events waiting for delivery, claimed by one worker at a time, and the attempts."""

    def listening(self, portal_id: int) -> list[tuple[int, int, dict[str, Any]]]:
        """(app id, subscription id, subscription) of every subscription of the apps installed in the portal
        (a refresh token of it) that have webhook settings."""
        rows = self.fetchall(
            "SELECT s.app_id, s.id, s.subscription FROM webhook_subscriptions s "
            "JOIN webhook_settings w ON w.app_id = s.app_id "
            "WHERE s.app_id IN (SELECT app_id FROM oauth_refresh_tokens WHERE portal_id = ?) ORDER BY s.id",
            (portal_id,),
        )
        return [(row[0], row[1], _decode(row[2])) for row in rows]

    def insert_events(self, rows: list[tuple[int, int, int, str, int, int, int]]) -> None:
        """(id, app id, portal id, payload (a JSON array), event count, next attempt at, created at) of new
        pending rows of events."""
        self.executemany(
            "INSERT INTO webhook_events (id, app_id, portal_id, payload, event_count, status, attempts, "
            "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
            rows,
        )

    def recent_payloads(self, portal_id: int, limit: int) -> list[tuple[str, str]]:
        """(status, payload) of the portal's newest outbox rows, newest first."""
        rows = self.fetchall(
            "SELECT status, payload FROM webhook_events WHERE portal_id = ? ORDER BY id DESC LIMIT ?",
            (portal_id, limit),
        )
        return [(row[0], row[1]) for row in rows]

    def any_pending(self) -> bool:
        """Whether any row waits to be sent, now or at a later retry."""
        return self.fetchone("SELECT id FROM webhook_events WHERE status = 'pending' LIMIT 1") is not None

    def any_due(self, now: int) -> bool:
        row = self.fetchone(
            "SELECT id FROM webhook_events WHERE status = 'pending' AND next_attempt_at <= ? "
            "AND (claimed_until IS NULL OR claimed_until < ?) LIMIT 1",
            (now, now),
        )
        return row is not None

    def claim(self, worker: str, now: int, until: int, limit: int) -> list[tuple[int, int, int, str, int, int]]:
        """Due rows no live claim holds, now claimed by `worker` until `until`: (id, app, portal, payload,
        attempts, event count). PostgreSQL skips rows another worker is claiming at the same moment."""
        skip = " FOR UPDATE SKIP LOCKED" if self.dialect.name != "sqlite" else ""
        rows = self.fetchall(
            "UPDATE webhook_events SET claimed_by = ?, claimed_until = ? WHERE id IN ("
            "SELECT id FROM webhook_events WHERE status = 'pending' AND next_attempt_at <= ? "
            f"AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY next_attempt_at, id LIMIT ?{skip}) "
            "RETURNING id, app_id, portal_id, payload, attempts, event_count",
            (worker, until, now, now, limit),
        )
        return sorted((row[0], row[1], row[2], row[3], row[4], row[5]) for row in rows)

    def release(self, worker: str, ids: list[int]) -> None:
        for part in chunks(ids):
            self.execute(
                f"UPDATE webhook_events SET claimed_by = NULL, claimed_until = NULL "
                f"WHERE claimed_by = ? AND id IN ({placeholders(len(part))})",
                (worker, *part),
            )

    def delivered(self, ids: list[int]) -> None:
        """The rows, delivered."""
        for part in chunks(ids):
            self.execute(
                "UPDATE webhook_events SET status = 'delivered', attempts = attempts + 1, claimed_by = NULL, "
                f"claimed_until = NULL WHERE id IN ({placeholders(len(part))})",
                tuple(part),
            )

    def retry(self, rows: list[tuple[str, int, int, int]]) -> None:
        """(status, attempts, next attempt at, id): pending again later, or failed for good."""
        self.executemany(
            "UPDATE webhook_events SET status = ?, attempts = ?, next_attempt_at = ?, claimed_by = NULL, "
            "claimed_until = NULL WHERE id = ?",
            rows,
        )

    def targets(self, app_ids: list[int]) -> dict[int, tuple[dict[str, Any], str]]:
        """Each app's webhook settings and client secret."""
        rows = self.fetchall(
            "SELECT w.app_id, w.settings, a.definition FROM webhook_settings w JOIN apps a ON a.id = w.app_id "
            f"WHERE w.app_id IN ({placeholders(len(app_ids)) or 'NULL'})",
            tuple(app_ids),
        )
        return {row[0]: (_decode(row[1]), _decode(row[2])["clientSecret"]) for row in rows}

    def insert_deliveries(self, rows: list[tuple[Any, ...]]) -> None:
        """(id, app id, portal id, event ids, target, status, status code, attempt, latency ms, error, started
        at) of each attempt."""
        self.executemany(
            "INSERT INTO webhook_deliveries (id, app_id, portal_id, event_ids, target, status, status_code, "
            "attempt, latency_ms, error, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def deliveries(self, app_id: int | None, status: str | None, limit: int) -> list[tuple[Any, ...]]:
        where, params = ["1 = 1"], []
        if app_id is not None:
            where.append("app_id = ?")
            params.append(app_id)
        if status is not None:
            where.append("status = ?")
            params.append(status)
        return self.fetchall(
            "SELECT id, app_id, portal_id, event_ids, target, status, status_code, attempt, latency_ms, error, "
            f"started_at FROM webhook_deliveries WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?",
            (*params, limit),
        )

    def event_counts(self, app_id: int | None) -> dict[str, int]:
        where, params = ("WHERE app_id = ?", (app_id,)) if app_id is not None else ("", ())
        rows = self.fetchall(f"SELECT status, sum(event_count) FROM webhook_events {where} GROUP BY status", params)
        return {row[0]: int(row[1]) for row in rows}
