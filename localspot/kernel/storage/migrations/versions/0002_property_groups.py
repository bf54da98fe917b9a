"""Each portal's own property groups, per object type (the catalogue's groups are not stored).

Deleting a group archives its row, so the name can be created again later.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_SQLITE = [
    "CREATE TABLE property_groups (portal_id INTEGER NOT NULL, object_type_id TEXT NOT NULL, name TEXT NOT NULL, "
    "label TEXT NOT NULL, display_order INTEGER NOT NULL, archived INTEGER NOT NULL DEFAULT 0, "
    "created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, archived_at INTEGER, "
    "PRIMARY KEY (portal_id, object_type_id, name))",
]

_POSTGRES = [
    "CREATE TABLE property_groups (portal_id BIGINT NOT NULL, object_type_id TEXT NOT NULL, name TEXT NOT NULL, "
    "label TEXT NOT NULL, display_order INTEGER NOT NULL, archived BOOLEAN NOT NULL DEFAULT FALSE, "
    "created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, archived_at BIGINT, "
    "PRIMARY KEY (portal_id, object_type_id, name))",
]


def upgrade() -> None:
    statements = _POSTGRES if op.get_bind().dialect.name == "postgresql" else _SQLITE
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE property_groups")
