"""The search indexes' generation (SQLite): advanced by every catch-up of SEARCH_ROWS and the full-text index,
and by anything else that changes them (a portal's reset or delete). A total counted over those indexes stays
exact for as long as the generation stays the same (crm/search/queries/counts.py).

Revision ID: 0024
Revises: 0011
"""

from alembic import op

revision = "0024"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("ALTER TABLE search_state ADD COLUMN generation INTEGER NOT NULL DEFAULT 0")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("ALTER TABLE search_state DROP COLUMN generation")
