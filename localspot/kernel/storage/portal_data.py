"""A portal's data as a whole: every table that holds it, for the control plane's reset, delete and
snapshots. The storage kernel owns the schema (the migrations), so it is the one place that lists the tables.

Derived tables are not copied: SQLite's search keys and full-text index are rebuilt from `search_pending`
(records restored are noted there), and pending association rows are settled before a copy is taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from localspot.kernel.storage.portals import PortalQueries
from localspot.kernel.storage.session import Queries, chunks, encode_json, placeholders

# Every table holding a portal's own data, in the order a restore inserts them (definitions first).
PORTAL_TABLES = (
    "property_definitions",
    "property_groups",
    "property_validation_rules",
    "object_schemas",
    "association_labels",
    "association_limits",
    "pipelines",
    "pipeline_audit",
    "owners",
    "records",
    "property_history",
    "unique_values",
    "associations",
    "deal_splits",
    "search_text_properties",
    "list_folders",
    "lists",
    "list_memberships",
    "timeline_events",
    "call_transcripts",
)
# Kept per portal but rebuilt from the tables above (SQLite only): emptied on reset, never copied.
DERIVED_TABLES = ("association_pending", "association_sorted", "search_rows", "search_pending")
# The portal's work in progress and done (imports with their files and errors, exports): emptied on reset and
# delete (and a snapshot restore), never part of a snapshot.
JOB_TABLES = ("import_errors", "import_files", "imports", "export_downloads", "exports")
# What apps' webhooks journals hold of the portal (its entries and snapshot statuses): emptied on reset and
# delete, never part of a snapshot (journal subscriptions are the app's, as webhook subscriptions are).
JOURNAL_TABLES = ("journal_entries", "journal_snapshots")
# Columns the database numbers itself: a restore leaves them out and inserts the rows in their order.
SEQUENCE_COLUMN = "seq"
_encode = msgspec.msgpack.Encoder().encode
_decode = msgspec.msgpack.Decoder().decode


class PortalData(Queries):
    def tables(self) -> set[str]:
        if self.dialect.name == "sqlite":
            rows = self.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
        else:
            rows = self.fetchall(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            )
        return {row[0] for row in rows}

    def delete(self, portal_id: int) -> None:
        """Every row of the portal's data; the portal itself and its tokens stay."""
        present = self.tables()
        if "record_search" in present:  # SQLite's full-text index, keyed by the record id alone
            self.execute(
                "DELETE FROM record_search WHERE rowid IN (SELECT id FROM records WHERE portal_id = ?)", (portal_id,)
            )
        for table in (*reversed(PORTAL_TABLES), *DERIVED_TABLES, *JOB_TABLES, *JOURNAL_TABLES):
            if table in present:
                self.execute(f"DELETE FROM {table} WHERE portal_id = ?", (portal_id,))
        if "search_state" in present:  # totals remembered over the search indexes are counted afresh
            self.execute("UPDATE search_state SET generation = generation + 1")
        PortalQueries.of(self.session).bump_schema_version(portal_id)

    def copy(self, portal_id: int) -> bytes:
        """The portal's rows of every table, encoded (a write session: pending rows are settled first)."""
        self.session.settle_deferred()
        copied: dict[str, Any] = {}
        present = self.tables()
        for table in PORTAL_TABLES:
            if table not in present:
                continue  # SQLite's own tables (search_text_properties) on PostgreSQL
            cursor = self.execute(f"SELECT * FROM {table} WHERE portal_id = ?", (portal_id,))
            columns = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
            keep = [i for i, name in enumerate(columns) if name != SEQUENCE_COLUMN]
            order = columns.index(SEQUENCE_COLUMN) if SEQUENCE_COLUMN in columns else None
            if order is not None:
                rows.sort(key=lambda row: row[order])
            copied[table] = {
                "columns": [columns[i] for i in keep],
                "rows": [[_portable(row[i]) for i in keep] for row in rows],
            }
        return _encode(copied)

    def restore(self, portal_id: int, data: bytes) -> None:
        """The portal's data replaced by a copy `copy` made of it."""
        copied = _decode(data)
        self.delete(portal_id)
        present = self.tables()
        for table in PORTAL_TABLES:
            entry = copied.get(table) if table in present else None
            if not entry or not entry["rows"]:
                continue
            columns = entry["columns"]
            marks = ", ".join("?" * len(columns))
            self.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", entry["rows"])
        self.note_for_search(portal_id)  # restored records keep their ids

    def table_rows(self, portal_id: int, table: str) -> list[dict[str, Any]]:
        """The portal's rows of one table as column -> value (JSON columns decoded), in insertion order;
        `portal_id` and the database's own sequence column left out. Empty for a table this backend lacks."""
        if table not in self.tables():
            return []
        cursor = self.execute(f"SELECT * FROM {table} WHERE portal_id = ?", (portal_id,))
        columns = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
        if SEQUENCE_COLUMN in columns:
            order = columns.index(SEQUENCE_COLUMN)
            rows.sort(key=lambda row: row[order])
        keep = [(i, name) for i, name in enumerate(columns) if name not in (SEQUENCE_COLUMN, "portal_id")]
        return [{name: row[i] for i, name in keep} for row in rows]

    def insert_rows(
        self, portal_id: int, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, skip_existing: bool
    ) -> None:
        """Rows into one of the portal's tables (values as `table_rows` gives them); `skip_existing` leaves a
        row whose key is taken as it was."""
        if not rows or table not in self.tables():
            return
        marks = ", ".join("?" * (len(columns) + 1))
        conflict = " ON CONFLICT DO NOTHING" if skip_existing else ""
        self.executemany(
            f"INSERT INTO {table} (portal_id, {', '.join(columns)}) VALUES ({marks}){conflict}",
            [(portal_id, *[_portable(value) for value in row]) for row in rows],
        )

    def has_data(self, portal_id: int) -> bool:
        present = self.tables()
        return any(
            self.fetchone(f"SELECT 1 FROM {table} WHERE portal_id = ? LIMIT 1", (portal_id,)) is not None
            for table in PORTAL_TABLES
            if table in present and table != "search_text_properties"
        )

    def record_ids_taken(self, ids: Sequence[int]) -> list[int]:
        """Those of `ids` some record of any portal has (record ids are unique in the database)."""
        taken: list[int] = []
        for part in chunks(sorted(set(ids))):
            rows = self.fetchall(f"SELECT id FROM records WHERE id IN ({placeholders(len(part))})", tuple(part))
            taken.extend(row[0] for row in rows)
        return sorted(taken)

    def advance_record_ids(self, at_least: int) -> None:
        """New records are numbered above `at_least` (after records were inserted with ids of their own)."""
        if self.dialect.name == "sqlite":
            self.execute("UPDATE id_counters SET value = max(value, ?) WHERE name = 'records'", (at_least,))
        else:
            self.execute("SELECT setval('record_ids', greatest(?, (SELECT last_value FROM record_ids)))", (at_least,))

    def note_for_search(self, portal_id: int) -> None:
        """Records inserted with ids below what SQLite's lazy search indexes have seen: noted for them."""
        if "search_pending" in self.tables():
            self.execute(
                "INSERT OR IGNORE INTO search_pending (portal_id, record_id) SELECT portal_id, id FROM records "
                "WHERE portal_id = ?",
                (portal_id,),
            )

    def record_counts(self, portal_id: int) -> dict[str, int]:
        """Live records per object type id."""
        rows = self.fetchall(
            "SELECT object_type_id, count(*) FROM records WHERE portal_id = ? AND archived = ? GROUP BY object_type_id",
            (portal_id, False),
        )
        return {row[0]: row[1] for row in rows}


def _portable(value: Any) -> Any:
    """A value as the driver gives it, in a form the same driver takes back (PostgreSQL's JSON as text)."""
    if isinstance(value, dict | list):
        return encode_json(value).decode()
    return value
