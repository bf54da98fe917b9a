"""Associations keep only their primary key.

Every association is stored in both directions, so the rows pointing at a record are the inverses of the
rows from it, found by the primary key. The `(portal_id, to_id)` index was only used to find them, and
keeping it cost a scattered B-tree insert for every association written (docs/performance.md).

Revision ID: 0010
Revises: 0001
"""

from alembic import op

revision = "0010"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP INDEX IF EXISTS associations_to")


def downgrade() -> None:
    op.execute("CREATE INDEX associations_to ON associations (portal_id, to_id)")
