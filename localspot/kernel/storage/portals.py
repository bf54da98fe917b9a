"""Portals and their access tokens."""

from __future__ import annotations

from dataclasses import dataclass

from localspot.kernel.storage.session import Queries

ALL_SCOPES = "*"


@dataclass(slots=True, frozen=True)
class TokenRow:
    portal_id: int
    scopes: frozenset[str]
    schema_version: int
    # OAuth access tokens (the app platform) expire; a portal's own tokens do not (None).
    expires_at: int | None = None


@dataclass(slots=True, frozen=True)
class PortalRow:
    id: int
    name: str | None
    created_at: int


class PortalQueries(Queries):
    def ensure_portal(self, portal_id: int, now: int) -> None:
        self.execute(
            "INSERT INTO portals (id, created_at, schema_version) VALUES (?, ?, 0) ON CONFLICT (id) DO NOTHING",
            (portal_id, now),
        )

    def insert_token(
        self,
        token_hash: str,
        portal_id: int,
        scopes: str,
        now: int,
        *,
        app_id: int | None = None,
        expires_at: int | None = None,
    ) -> None:
        self.execute(
            "INSERT INTO tokens (token_hash, portal_id, scopes, created_at, app_id, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (token_hash, portal_id, scopes, now, app_id, expires_at),
        )

    def count_tokens(self) -> int:
        return self.fetchone("SELECT COUNT(*) FROM tokens")[0]

    def find_token(self, token_hash: str) -> TokenRow | None:
        row = self.fetchone(
            "SELECT t.portal_id, t.scopes, p.schema_version, t.expires_at FROM tokens t "
            "JOIN portals p ON p.id = t.portal_id WHERE t.token_hash = ?",
            (token_hash,),
        )
        if row is None:
            return None
        return TokenRow(row[0], frozenset(row[1].split()), row[2], row[3])

    def schema_version(self, portal_id: int) -> int:
        """The portal's schema version. A PostgreSQL write transaction also share-locks the portal row until it
        commits, so a schema change (which updates the row) waits for writers that validated against the old
        schema, and writers starting after it wait for it and see the new one. SQLite writers are serialised."""
        lock = " FOR SHARE" if self.write and self.dialect.name == "postgresql" else ""
        row = self.fetchone(f"SELECT schema_version FROM portals WHERE id = ?{lock}", (portal_id,))
        return row[0] if row else 0

    def lock_schema(self, portal_id: int) -> None:
        """Holds the portal's row until commit, serialising schema changes (SQLite writers already are)."""
        if self.dialect.name == "postgresql":
            self.execute("SELECT id FROM portals WHERE id = ? FOR UPDATE", (portal_id,))

    def bump_schema_version(self, portal_id: int) -> None:
        """Call `lock_schema` first, before loading the schema: a PostgreSQL write transaction that share-locked
        the row through `schema_version` and then updates it can deadlock with another one doing the same."""
        self.execute("UPDATE portals SET schema_version = schema_version + 1 WHERE id = ?", (portal_id,))

    # --- the control plane's portal management --------------------------------------------------------

    def create_portal(self, portal_id: int, name: str | None, now: int) -> bool:
        """False when the id is taken."""
        rows = self.fetchall(
            "INSERT INTO portals (id, created_at, schema_version, name) VALUES (?, ?, 0, ?) "
            "ON CONFLICT (id) DO NOTHING RETURNING id",
            (portal_id, now, name),
        )
        return bool(rows)

    def next_portal_id(self) -> int:
        return self.fetchone("SELECT COALESCE(MAX(id), 0) + 1 FROM portals")[0]

    def portals(self, portal_id: int | None = None) -> list[PortalRow]:
        where, params = ("WHERE id = ?", (portal_id,)) if portal_id is not None else ("", ())
        rows = self.fetchall(f"SELECT id, name, created_at FROM portals {where} ORDER BY id", params)
        return [PortalRow(row[0], row[1], row[2]) for row in rows]

    def delete_portal(self, portal_id: int) -> bool:
        """The portal and its tokens (its data first: `PortalData.delete`). False when there is none."""
        for table in ("tokens", "oauth_codes", "oauth_refresh_tokens"):
            self.execute(f"DELETE FROM {table} WHERE portal_id = ?", (portal_id,))
        return bool(self.fetchall("DELETE FROM portals WHERE id = ? RETURNING id", (portal_id,)))

    def delete_token(self, token_hash: str) -> bool:
        return bool(self.fetchall("DELETE FROM tokens WHERE token_hash = ? RETURNING portal_id", (token_hash,)))
