"""Search: expression indexes for the catalogue's `searchIndexes`, and (SQLite) a full-text index for `query`.

SQLite: `record_search` is an FTS5 table holding, for each LIVE record of a type with searchable properties,
the words of those properties, each prefixed with the record's scope (portal and type). Writing FTS5 rows
costs far more than the record write itself, so writes only note the record in `search_pending` (a trigger
on `records`: every write path, bulk seeding included, is covered inside the writing transaction) and the
first full-text search after them brings `record_search` up to date (store/search.py `catch_up_full_text`)
before it reads. A search thus still sees every write that returned before it began. `search_text_properties` says which
properties are searchable (portal 0 = every portal: the standard catalogue).
PostgreSQL: the same expression indexes; `query` and CONTAINS_TOKEN are evaluated in SQL (correct, not
indexed; the performance targets are SQLite's).

Index definitions come from the catalogue as it is at upgrade time; a catalogue change to `searchIndexes`
ships with a new revision calling `index_statements` again (statements are IF NOT EXISTS).

Revision ID: 0004
Revises: 0001
"""

from alembic import op
from sqlalchemy import text

from localspot.kernel.schema import load_catalog
from localspot.kernel.storage.search_index import index_names, index_statements

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None

_NOTE = "INSERT OR IGNORE INTO search_pending (portal_id, record_id) VALUES ({row}.portal_id, {row}.id);"

_SQLITE = [
    "CREATE TABLE search_text_properties (portal_id INTEGER NOT NULL, object_type_id TEXT NOT NULL, "
    "name TEXT NOT NULL, PRIMARY KEY (portal_id, object_type_id, name)) WITHOUT ROWID",
    "CREATE TABLE search_pending (portal_id INTEGER NOT NULL, record_id INTEGER NOT NULL, "
    "PRIMARY KEY (portal_id, record_id)) WITHOUT ROWID",
    # Words arrive already split and filed under their scope (store/search.py `full_text_body`);
    # detail=none: no positions or columns are needed (prefix queries only), which keeps the index small.
    "CREATE VIRTUAL TABLE record_search USING fts5(body, tokenize = 'unicode61 remove_diacritics 0', detail = none)",
    # Its vocabulary: a query word is expanded to the indexed words it starts (store/search.py `_fts_match`).
    "CREATE VIRTUAL TABLE record_search_terms USING fts5vocab(record_search, row)",
    f"CREATE TRIGGER records_search_insert AFTER INSERT ON records BEGIN {_NOTE.format(row='NEW')} END",
    "CREATE TRIGGER records_search_update AFTER UPDATE OF properties, archived ON records BEGIN "
    f"{_NOTE.format(row='NEW')} END",
    f"CREATE TRIGGER records_search_delete AFTER DELETE ON records BEGIN {_NOTE.format(row='OLD')} END",
]


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    catalog = load_catalog()
    if dialect == "sqlite":
        for statement in _SQLITE:
            op.execute(statement)
        for object_type in catalog.object_types:
            for name in object_type.searchable_properties:
                bind.execute(
                    text("INSERT INTO search_text_properties (portal_id, object_type_id, name) VALUES (0, :t, :n)"),
                    {"t": object_type.object_type_id, "n": name},
                )
        # Records written before this revision are indexed by the first full-text search.
        op.execute("INSERT INTO search_pending (portal_id, record_id) SELECT portal_id, id FROM records")
    for statement in index_statements(dialect, catalog.object_types):
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    for name in index_names(load_catalog().object_types):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    if bind.dialect.name == "sqlite":
        for name in ("records_search_insert", "records_search_update", "records_search_delete"):
            op.execute(f"DROP TRIGGER {name}")
        for table in ("record_search_terms", "record_search", "search_pending", "search_text_properties"):
            op.execute(f"DROP TABLE {table}")
