"""Lists (segments): each list's definition, the members of MANUAL and SNAPSHOT lists (DYNAMIC lists are
their filters, evaluated when read), and the folders lists are filed in. List names are unique among a
portal's live lists.

Revision ID: 0016
Revises: 0013
"""

from alembic import op

revision = "0016"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    integer = "BIGINT" if op.get_bind().dialect.name == "postgresql" else "INTEGER"
    op.execute(
        f"CREATE TABLE lists (portal_id {integer} NOT NULL, id {integer} NOT NULL, object_type_id TEXT NOT NULL, "
        f"name TEXT NOT NULL, processing_type TEXT NOT NULL, definition TEXT NOT NULL, deleted_at {integer}, "
        "PRIMARY KEY (portal_id, id))"
    )
    op.execute("CREATE UNIQUE INDEX lists_live_name ON lists (portal_id, lower(name)) WHERE deleted_at IS NULL")
    op.execute(
        f"CREATE TABLE list_memberships (portal_id {integer} NOT NULL, list_id {integer} NOT NULL, "
        f"record_id {integer} NOT NULL, added_at {integer} NOT NULL, PRIMARY KEY (portal_id, list_id, record_id))"
    )
    op.execute("CREATE INDEX list_memberships_record ON list_memberships (portal_id, record_id)")
    op.execute(
        f"CREATE TABLE list_folders (portal_id {integer} NOT NULL, id {integer} NOT NULL, "
        f"parent_id {integer} NOT NULL, folder TEXT NOT NULL, PRIMARY KEY (portal_id, id))"
    )


def downgrade() -> None:
    op.execute("DROP TABLE list_folders")
    op.execute("DROP TABLE list_memberships")
    op.execute("DROP TABLE lists")
