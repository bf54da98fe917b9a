"""Search keys kept lazily (SQLite): writes no longer pay for the search indexes.

Revision 0004 put the catalogue's `searchIndexes` on `records` as expression indexes, so every task
written made two scattered index inserts and two JSON extractions, and a trigger noted every insert in
`search_pending`: together more than half the cost of a batch create's SQL (docs/performance.md).

Now the indexes live on `search_rows`: for each LIVE record of a type with search indexes, its id,
scope, timestamps and the value of each indexed property as search compares it (a `k_<name>` column;
plain columns keep the indexes covering). Like the full-text index it is brought up to date by the first
search after writes (store/search.py `catch_up_search`), in one pass, so a search still sees every write
that returned before it began. New records need no note: record ids only grow, so every record above
`search_state.indexed_through` is new to the search indexes; updates, archives and deletes are still
noted in `search_pending` by revision 0004's other two triggers.

PostgreSQL keeps 0004's expression indexes on `records` (it indexes as it writes).

Revision ID: 0011
Revises: 0004
"""

from alembic import op

from localspot.kernel.schema import load_catalog
from localspot.kernel.storage.search_index import SEARCH_ROWS, index_names, index_statements, search_rows_statements

revision = "0011"
down_revision = "0004"
branch_labels = None
depends_on = None

_INSERT_NOTE = "INSERT OR IGNORE INTO search_pending (portal_id, record_id) VALUES (NEW.portal_id, NEW.id);"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    catalog = load_catalog()
    for name in index_names(catalog.object_types):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("DROP TRIGGER records_search_insert")
    for statement in search_rows_statements(catalog.object_types):
        op.execute(statement)
    # 0: every record stored so far is caught up (and re-indexed in full text) by the first search.
    op.execute("CREATE TABLE search_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_through INTEGER NOT NULL)")
    op.execute("INSERT INTO search_state (id, indexed_through) VALUES (1, 0)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"DROP TABLE {SEARCH_ROWS}")
    op.execute("DROP TABLE search_state")
    op.execute(f"CREATE TRIGGER records_search_insert AFTER INSERT ON records BEGIN {_INSERT_NOTE} END")
    op.execute("INSERT OR IGNORE INTO search_pending (portal_id, record_id) SELECT portal_id, id FROM records")
    for statement in index_statements("sqlite", load_catalog().object_types):
        op.execute(statement)
