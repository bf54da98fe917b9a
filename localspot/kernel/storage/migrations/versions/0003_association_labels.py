"""Association schema: a portal's own (USER_DEFINED) association labels and its association limits.

Labels: one row per direction; a paired label's two rows name each other through inverse_type_id.
Limits: the most records one record may be associated with under a type (maxToObjectIds).

Revision ID: 0003
Revises: 0001
"""

from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None

_SQLITE = [
    "CREATE TABLE association_labels (portal_id INTEGER NOT NULL, type_id INTEGER NOT NULL, "
    "from_type TEXT NOT NULL, to_type TEXT NOT NULL, name TEXT NOT NULL, label TEXT NOT NULL, "
    "inverse_type_id INTEGER NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (portal_id, type_id)) "
    "WITHOUT ROWID",
    "CREATE TABLE association_limits (portal_id INTEGER NOT NULL, from_type TEXT NOT NULL, to_type TEXT NOT NULL, "
    "category TEXT NOT NULL, type_id INTEGER NOT NULL, max_to_object_ids INTEGER NOT NULL, "
    "PRIMARY KEY (portal_id, from_type, to_type, category, type_id)) WITHOUT ROWID",
    "CREATE INDEX associations_type ON associations (portal_id, category, type_id)",
]

_POSTGRES = [
    "CREATE TABLE association_labels (portal_id BIGINT NOT NULL, type_id INTEGER NOT NULL, "
    "from_type TEXT NOT NULL, to_type TEXT NOT NULL, name TEXT NOT NULL, label TEXT NOT NULL, "
    "inverse_type_id INTEGER NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (portal_id, type_id))",
    "CREATE TABLE association_limits (portal_id BIGINT NOT NULL, from_type TEXT NOT NULL, to_type TEXT NOT NULL, "
    "category TEXT NOT NULL, type_id INTEGER NOT NULL, max_to_object_ids INTEGER NOT NULL, "
    "PRIMARY KEY (portal_id, from_type, to_type, category, type_id))",
    "CREATE INDEX associations_type ON associations (portal_id, category, type_id)",
]


def upgrade() -> None:
    statements = _POSTGRES if op.get_bind().dialect.name == "postgresql" else _SQLITE
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP INDEX associations_type")
    for table in ("association_limits", "association_labels"):
        op.execute(f"DROP TABLE {table}")
