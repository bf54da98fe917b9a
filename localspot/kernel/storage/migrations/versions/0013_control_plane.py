"""The emulator's control plane: portal names, the settings every worker shares (faults, rate limits, the clock,
token revocations, each change moving `control_version`), portal snapshots, and rate-limit counters.

Revision ID: 0013
Revises: 0001
"""

from alembic import op

revision = "0013"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    integer = "BIGINT" if postgres else "INTEGER"
    blob = "BYTEA" if postgres else "BLOB"
    op.execute("ALTER TABLE portals ADD COLUMN name TEXT")
    op.execute("CREATE TABLE control_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    op.execute("INSERT INTO control_settings (name, value) VALUES ('version', '0')")
    op.execute(
        f"CREATE TABLE portal_snapshots (portal_id {integer} NOT NULL, name TEXT NOT NULL, "
        f"created_at {integer} NOT NULL, record_count {integer} NOT NULL, data {blob} NOT NULL, "
        "PRIMARY KEY (portal_id, name))"
    )
    op.execute(
        f"CREATE TABLE fault_rules (id {integer} PRIMARY KEY, rule TEXT NOT NULL, remaining {integer}, "
        f"created_at {integer} NOT NULL)"
    )
    op.execute(
        f"CREATE TABLE rate_counters (portal_id {integer} NOT NULL, policy TEXT NOT NULL, "
        f"window_start {integer} NOT NULL, used {integer} NOT NULL, PRIMARY KEY (portal_id, policy, window_start))"
    )


def downgrade() -> None:
    for table in ("rate_counters", "fault_rules", "portal_snapshots", "control_settings"):
        op.execute(f"DROP TABLE {table}")
    op.execute("ALTER TABLE portals DROP COLUMN name")
