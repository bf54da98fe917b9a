"""Pipelines: each portal's own pipelines and stages, and its edits of the default ones.

Revision ID: 0008
Revises: 0001
"""

from alembic import op

revision = "0008"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute(
        f"CREATE TABLE pipelines (portal_id {'BIGINT' if postgres else 'INTEGER'} NOT NULL, "
        "object_type_id TEXT NOT NULL, id TEXT NOT NULL, "
        f"definition {'JSONB' if postgres else 'TEXT'} NOT NULL, PRIMARY KEY (portal_id, object_type_id, id))"
    )
    if postgres:
        op.execute(
            "CREATE TABLE pipeline_audit (portal_id BIGINT NOT NULL, seq BIGSERIAL, object_type_id TEXT NOT NULL, "
            "identifier TEXT NOT NULL, action TEXT NOT NULL, timestamp BIGINT NOT NULL, raw JSONB, "
            "PRIMARY KEY (portal_id, seq))"
        )
    else:
        op.execute(
            "CREATE TABLE pipeline_audit (seq INTEGER PRIMARY KEY, portal_id INTEGER NOT NULL, "
            "object_type_id TEXT NOT NULL, identifier TEXT NOT NULL, action TEXT NOT NULL, "
            "timestamp INTEGER NOT NULL, raw TEXT)"
        )
    op.execute("CREATE INDEX pipeline_audit_identifier ON pipeline_audit (portal_id, object_type_id, identifier)")


def downgrade() -> None:
    op.execute("DROP TABLE pipeline_audit")
    op.execute("DROP TABLE pipelines")
