"""SQLite: pending associations past their bound are sorted by record before they are settled
(crm/associations/queries/associations.py).

Past `MAX_PENDING_ROWS` each write used to settle the oldest pending rows, twice as many as it appends. Taken
in the order they were written, those rows fall on a page of `associations` each (a task's inverse rows are
keyed by its contact), so a write dirtied a few hundred scattered pages and the sustained batch create ran at
two thirds of its rate before the bound. Now the oldest rows are moved here in one step, ordered by record and
then as written, and each write settles the next slice of them: a slice covers a narrow range of records, so a
contact's page is written once for all its rows in it.

Revision ID: 0025
Revises: 0012
"""

from alembic import op

revision = "0025"
down_revision = "0012"
branch_labels = None
depends_on = None

_COLUMNS = "portal_id, from_id, to_id, from_type, to_type, category, type_id, created_at"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # `seq` numbers the rows in the order they settle: by record (`from_id`) and, of one record's, as written.
    op.execute(
        "CREATE TABLE association_sorted (seq INTEGER PRIMARY KEY, portal_id INTEGER NOT NULL, "
        "from_id INTEGER NOT NULL, to_id INTEGER NOT NULL, from_type TEXT NOT NULL, to_type TEXT NOT NULL, "
        "category TEXT NOT NULL, type_id INTEGER NOT NULL, created_at INTEGER NOT NULL)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        f"INSERT INTO associations ({_COLUMNS}) SELECT {_COLUMNS} FROM association_sorted WHERE true ORDER BY seq "
        "ON CONFLICT (portal_id, from_id, to_type, to_id, category, type_id) DO NOTHING"
    )
    op.execute("DROP TABLE association_sorted")
