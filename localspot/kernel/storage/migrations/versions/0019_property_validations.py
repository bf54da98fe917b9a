"""Property validation rules: each portal's rules per property, one row per rule type (a PUT replaces the rule
of its type and leaves the others).

Revision ID: 0019
Revises: 0013
"""

from alembic import op

revision = "0019"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    integer = "BIGINT" if op.get_bind().dialect.name == "postgresql" else "INTEGER"
    op.execute(
        f"CREATE TABLE property_validation_rules (portal_id {integer} NOT NULL, object_type_id TEXT NOT NULL, "
        f"property_name TEXT NOT NULL, rule_type TEXT NOT NULL, rule TEXT NOT NULL, updated_at {integer} NOT NULL, "
        "PRIMARY KEY (portal_id, object_type_id, property_name, rule_type))"
    )


def downgrade() -> None:
    op.execute("DROP TABLE property_validation_rules")
