"""Deal splits: each deal's owners and the share of its amount each is credited with, one row per split (an
upsert replaces every split of its deal).

Revision ID: 0020
Revises: 0013
"""

from alembic import op

revision = "0020"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    integer = "BIGINT" if op.get_bind().dialect.name == "postgresql" else "INTEGER"
    op.execute(
        f"CREATE TABLE deal_splits (portal_id {integer} NOT NULL, deal_id {integer} NOT NULL, "
        f"position {integer} NOT NULL, id {integer} NOT NULL, owner_id {integer} NOT NULL, percentage TEXT NOT NULL, "
        f"created_at {integer} NOT NULL, updated_at {integer} NOT NULL, PRIMARY KEY (portal_id, deal_id, position))"
    )


def downgrade() -> None:
    op.execute("DROP TABLE deal_splits")
