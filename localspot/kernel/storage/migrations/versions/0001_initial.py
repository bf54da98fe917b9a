"""Initial schema: portals, tokens, definitions, records, history, unique values, associations.

Every table leads with portal_id: it is the distribution column when the PostgreSQL schema is sharded
(docs/scaling.md), and every query is scoped by it.

Revision ID: 0001
Revises:
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_SQLITE = [
    "CREATE TABLE portals (id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, "
    "schema_version INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE tokens (token_hash TEXT PRIMARY KEY, portal_id INTEGER NOT NULL, scopes TEXT NOT NULL, "
    "created_at INTEGER NOT NULL)",
    "CREATE TABLE id_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "INSERT INTO id_counters (name, value) VALUES ('records', 0)",
    "CREATE TABLE property_definitions (portal_id INTEGER NOT NULL, object_type_id TEXT NOT NULL, "
    "name TEXT NOT NULL, definition TEXT NOT NULL, PRIMARY KEY (portal_id, object_type_id, name))",
    "CREATE TABLE records (id INTEGER PRIMARY KEY, portal_id INTEGER NOT NULL, object_type_id TEXT NOT NULL, "
    "created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, archived INTEGER NOT NULL DEFAULT 0, "
    "archived_at INTEGER, merged_into INTEGER, properties TEXT NOT NULL)",
    "CREATE INDEX records_listing ON records (portal_id, object_type_id, archived, id)",
    "CREATE TABLE property_history (seq INTEGER PRIMARY KEY, portal_id INTEGER NOT NULL, "
    "record_id INTEGER NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, timestamp INTEGER NOT NULL, "
    "source_type TEXT NOT NULL)",
    "CREATE INDEX property_history_record ON property_history (portal_id, record_id, name)",
    "CREATE TABLE unique_values (portal_id INTEGER NOT NULL, object_type_id TEXT NOT NULL, name TEXT NOT NULL, "
    "value TEXT NOT NULL, record_id INTEGER NOT NULL, PRIMARY KEY (portal_id, object_type_id, name, value)) "
    "WITHOUT ROWID",
    "CREATE INDEX unique_values_record ON unique_values (portal_id, record_id)",
    "CREATE TABLE associations (portal_id INTEGER NOT NULL, from_id INTEGER NOT NULL, to_id INTEGER NOT NULL, "
    "from_type TEXT NOT NULL, to_type TEXT NOT NULL, category TEXT NOT NULL, type_id INTEGER NOT NULL, "
    "created_at INTEGER NOT NULL, PRIMARY KEY (portal_id, from_id, to_type, to_id, category, type_id)) "
    "WITHOUT ROWID",
    "CREATE INDEX associations_to ON associations (portal_id, to_id)",
]

_POSTGRES = [
    "CREATE TABLE portals (id BIGINT PRIMARY KEY, created_at BIGINT NOT NULL, "
    "schema_version INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE tokens (token_hash TEXT PRIMARY KEY, portal_id BIGINT NOT NULL, scopes TEXT NOT NULL, "
    "created_at BIGINT NOT NULL)",
    "CREATE SEQUENCE record_ids",
    "CREATE TABLE property_definitions (portal_id BIGINT NOT NULL, object_type_id TEXT NOT NULL, "
    "name TEXT NOT NULL, definition JSONB NOT NULL, PRIMARY KEY (portal_id, object_type_id, name))",
    "CREATE TABLE records (portal_id BIGINT NOT NULL, id BIGINT NOT NULL, object_type_id TEXT NOT NULL, "
    "created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, archived BOOLEAN NOT NULL DEFAULT FALSE, "
    "archived_at BIGINT, merged_into BIGINT, properties JSONB NOT NULL, PRIMARY KEY (portal_id, id))",
    "CREATE INDEX records_listing ON records (portal_id, object_type_id, archived, id)",
    "CREATE TABLE property_history (portal_id BIGINT NOT NULL, seq BIGSERIAL, record_id BIGINT NOT NULL, "
    "name TEXT NOT NULL, value TEXT NOT NULL, timestamp BIGINT NOT NULL, source_type TEXT NOT NULL, "
    "PRIMARY KEY (portal_id, seq))",
    "CREATE INDEX property_history_record ON property_history (portal_id, record_id, name)",
    "CREATE TABLE unique_values (portal_id BIGINT NOT NULL, object_type_id TEXT NOT NULL, name TEXT NOT NULL, "
    "value TEXT NOT NULL, record_id BIGINT NOT NULL, PRIMARY KEY (portal_id, object_type_id, name, value))",
    "CREATE INDEX unique_values_record ON unique_values (portal_id, record_id)",
    "CREATE TABLE associations (portal_id BIGINT NOT NULL, from_id BIGINT NOT NULL, to_id BIGINT NOT NULL, "
    "from_type TEXT NOT NULL, to_type TEXT NOT NULL, category TEXT NOT NULL, type_id INTEGER NOT NULL, "
    "created_at BIGINT NOT NULL, PRIMARY KEY (portal_id, from_id, to_type, to_id, category, type_id))",
    "CREATE INDEX associations_to ON associations (portal_id, to_id)",
]


def upgrade() -> None:
    statements = _POSTGRES if op.get_bind().dialect.name == "postgresql" else _SQLITE
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    for table in (
        "associations",
        "unique_values",
        "property_history",
        "records",
        "property_definitions",
        "tokens",
        "portals",
    ):
        op.execute(f"DROP TABLE {table}")
