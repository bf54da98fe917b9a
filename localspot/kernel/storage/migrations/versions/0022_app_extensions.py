"""App extensions: the settings an app keeps for its extensions (calling, video conferencing, CRM cards, feature
flags: one table, each kind of setting under its own name), and the call transcripts apps write into a portal.

Revision ID: 0022
Revises: 0013
"""

from alembic import op

revision = "0022"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    integer = "BIGINT" if op.get_bind().dialect.name == "postgresql" else "INTEGER"
    op.execute(
        f"CREATE TABLE app_extensions (app_id {integer} NOT NULL, kind TEXT NOT NULL, item_key TEXT NOT NULL, "
        "body TEXT NOT NULL, PRIMARY KEY (app_id, kind, item_key))"
    )
    op.execute(
        f"CREATE TABLE call_transcripts (portal_id {integer} NOT NULL, id {integer} NOT NULL, "
        f"call_id {integer} NOT NULL, transcript TEXT NOT NULL, PRIMARY KEY (portal_id, id))"
    )


def downgrade() -> None:
    op.execute("DROP TABLE call_transcripts")
    op.execute("DROP TABLE app_extensions")
