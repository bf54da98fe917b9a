"""Timeline: apps' event templates (with their tokens, as one document each) and the events written with them
onto a portal's records.

Revision ID: 0021
Revises: 0013
"""

from alembic import op

revision = "0021"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    integer = "BIGINT" if op.get_bind().dialect.name == "postgresql" else "INTEGER"
    op.execute(
        f"CREATE TABLE timeline_templates (id {integer} PRIMARY KEY, app_id {integer} NOT NULL, template TEXT NOT NULL)"
    )
    op.execute("CREATE INDEX timeline_templates_app ON timeline_templates (app_id, id)")
    op.execute(
        f"CREATE TABLE timeline_events (portal_id {integer} NOT NULL, template_id {integer} NOT NULL, "
        f"id TEXT NOT NULL, record_id {integer} NOT NULL, event TEXT NOT NULL, "
        "PRIMARY KEY (portal_id, template_id, id))"
    )
    op.execute("CREATE INDEX timeline_events_record ON timeline_events (portal_id, record_id)")


def downgrade() -> None:
    op.execute("DROP TABLE timeline_events")
    op.execute("DROP TABLE timeline_templates")
