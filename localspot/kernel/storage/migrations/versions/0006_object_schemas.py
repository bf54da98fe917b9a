"""Custom object schemas: each portal's own object types, held as data like the standard catalogue.

Revision ID: 0006
Revises: 0001
"""

from alembic import op

revision = "0006"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    json_type = "JSONB" if op.get_bind().dialect.name == "postgresql" else "TEXT"
    integer = "BIGINT" if op.get_bind().dialect.name == "postgresql" else "INTEGER"
    op.execute(
        f"CREATE TABLE object_schemas (portal_id {integer} NOT NULL, object_type_id TEXT NOT NULL, "
        f"name TEXT NOT NULL, definition {json_type} NOT NULL, PRIMARY KEY (portal_id, object_type_id))"
    )
    op.execute("CREATE UNIQUE INDEX object_schemas_name ON object_schemas (portal_id, name)")


def downgrade() -> None:
    op.execute("DROP TABLE object_schemas")
