"""The webhook outbox: the events a CRM write makes for an app's subscriptions, written in that write's
transaction (`webhook_events`: one row per write and app, holding up to 100 events as a JSON array), and each
delivery attempt (`webhook_deliveries`). A worker claims due rows with `claimed_by`/`claimed_until`, so each is
sent by one process at a time.

Revision ID: 0017
Revises: 0015, 0016
"""

from alembic import op

revision = "0017"
down_revision = ("0015", "0016")
branch_labels = None
depends_on = None


def upgrade() -> None:
    integer = "BIGINT" if op.get_bind().dialect.name == "postgresql" else "INTEGER"
    op.execute(
        f"CREATE TABLE webhook_events (id {integer} PRIMARY KEY, app_id {integer} NOT NULL, "
        f"portal_id {integer} NOT NULL, payload TEXT NOT NULL, event_count {integer} NOT NULL, status TEXT NOT NULL, "
        f"attempts {integer} NOT NULL, next_attempt_at {integer} NOT NULL, claimed_by TEXT, "
        f"claimed_until {integer}, created_at {integer} NOT NULL)"
    )
    op.execute("CREATE INDEX webhook_events_due ON webhook_events (next_attempt_at, id) WHERE status = 'pending'")
    op.execute(
        f"CREATE TABLE webhook_deliveries (id {integer} PRIMARY KEY, app_id {integer} NOT NULL, "
        f"portal_id {integer} NOT NULL, event_ids TEXT NOT NULL, target TEXT NOT NULL, status TEXT NOT NULL, "
        f"status_code {integer}, attempt {integer} NOT NULL, latency_ms {integer} NOT NULL, error TEXT, "
        f"started_at {integer} NOT NULL)"
    )
    op.execute("CREATE INDEX webhook_deliveries_app ON webhook_deliveries (app_id, id)")


def downgrade() -> None:
    op.execute("DROP TABLE webhook_deliveries")
    op.execute("DROP TABLE webhook_events")
