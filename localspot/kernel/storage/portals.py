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


class PortalQueries(Queries):
    def ensure_portal(self, portal_id: int, now: int) -> None:
        self.execute(
            "INSERT INTO portals (id, created_at, schema_version) VALUES (?, ?, 0) ON CONFLICT (id) DO NOTHING",
            (portal_id, now),
        )

    def insert_token(self, token_hash: str, portal_id: int, scopes: str, now: int) -> None:
        self.execute(
            "INSERT INTO tokens (token_hash, portal_id, scopes, created_at) VALUES (?, ?, ?, ?)",
            (token_hash, portal_id, scopes, now),
        )

    def count_tokens(self) -> int:
        return self.fetchone("SELECT COUNT(*) FROM tokens")[0]

    def find_token(self, token_hash: str) -> TokenRow | None:
        row = self.fetchone(
            "SELECT t.portal_id, t.scopes, p.schema_version FROM tokens t JOIN portals p ON p.id = t.portal_id "
            "WHERE t.token_hash = ?",
            (token_hash,),
        )
        if row is None:
            return None
        return TokenRow(row[0], frozenset(row[1].split()), row[2])

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
