"""SQLite: new association rows wait in `association_pending` and are settled into `associations` in key
order before anything reads them (store/associations.py).

A task's association to a contact is stored in both directions; the inverse row is keyed by the contact,
so writing it at once dirtied one scattered B-tree page per association per commit: three quarters of the
bytes a tasks batch create wrote to the WAL, and the I/O that stalled commits while checkpoints ran
(docs/performance.md). Appended here instead, the rows of a batch fill a page or two; settled in key order,
each contact's page is written once for all its new rows. PostgreSQL writes `associations` directly.

Revision ID: 0012
Revises: 0010
"""

from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None

_COLUMNS = "portal_id, from_id, to_id, from_type, to_type, category, type_id, created_at"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE TABLE association_pending (seq INTEGER PRIMARY KEY, portal_id INTEGER NOT NULL, "
        "from_id INTEGER NOT NULL, to_id INTEGER NOT NULL, from_type TEXT NOT NULL, to_type TEXT NOT NULL, "
        "category TEXT NOT NULL, type_id INTEGER NOT NULL, created_at INTEGER NOT NULL)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        f"INSERT INTO associations ({_COLUMNS}) SELECT {_COLUMNS} FROM association_pending WHERE true "
        "ON CONFLICT (portal_id, from_id, to_type, to_id, category, type_id) DO NOTHING"
    )
    op.execute("DROP TABLE association_pending")
