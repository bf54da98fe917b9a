"""Owners: the users and queues records can be assigned to (`hubspot_owner_id`).

Revision ID: 0007
Revises: 0001
"""

from alembic import op

revision = "0007"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    integer = "BIGINT" if postgres else "INTEGER"
    boolean = "BOOLEAN" if postgres else "INTEGER"
    op.execute(
        f"CREATE TABLE owners (portal_id {integer} NOT NULL, id {integer} NOT NULL, email TEXT, first_name TEXT, "
        f"last_name TEXT, user_id {integer}, type TEXT NOT NULL, archived {boolean} NOT NULL, "
        f"created_at {integer} NOT NULL, updated_at {integer} NOT NULL, PRIMARY KEY (portal_id, id))"
    )


def downgrade() -> None:
    op.execute("DROP TABLE owners")
