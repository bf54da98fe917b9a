"""The webhooks journal (2026-03): an app's journal subscriptions (one per app, type, portal and object type;
app lifecycle subscriptions under portal 0, keyed by their event type id) with their filters, the journal's
entries (one per write, app and portal, up to 100 events as a JSON array, in commit order by `id`, found by
their `offset_id`), and the status of each snapshot an app asked for.

Revision ID: 0023
Revises: 0017
"""

from alembic import op

revision = "0023"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    integer = "BIGINT" if op.get_bind().dialect.name == "postgresql" else "INTEGER"
    op.execute(
        f"CREATE TABLE journal_subscriptions (id {integer} PRIMARY KEY, app_id {integer} NOT NULL, "
        f"subscription_type TEXT NOT NULL, portal_id {integer} NOT NULL, object_type_id TEXT NOT NULL, "
        "subscription TEXT NOT NULL, UNIQUE (app_id, subscription_type, portal_id, object_type_id))"
    )
    op.execute("CREATE INDEX journal_subscriptions_portal ON journal_subscriptions (portal_id)")
    op.execute(
        f"CREATE TABLE journal_filters (id {integer} PRIMARY KEY, app_id {integer} NOT NULL, "
        f"subscription_id {integer} NOT NULL, filter TEXT NOT NULL, created_at {integer} NOT NULL)"
    )
    op.execute("CREATE INDEX journal_filters_subscription ON journal_filters (subscription_id)")
    op.execute(
        f"CREATE TABLE journal_entries (id {integer} PRIMARY KEY, app_id {integer} NOT NULL, "
        f"portal_id {integer} NOT NULL, offset_id TEXT NOT NULL UNIQUE, payload TEXT NOT NULL, "
        f"event_count {integer} NOT NULL, created_at {integer} NOT NULL)"
    )
    op.execute("CREATE INDEX journal_entries_app ON journal_entries (app_id, id)")
    op.execute("CREATE INDEX journal_entries_portal ON journal_entries (app_id, portal_id, id)")
    op.execute("CREATE INDEX journal_entries_age ON journal_entries (created_at)")
    op.execute(
        f"CREATE TABLE journal_snapshots (id TEXT PRIMARY KEY, app_id {integer} NOT NULL, "
        f"portal_id {integer} NOT NULL, status TEXT NOT NULL, error_code TEXT, message TEXT, "
        f"initiated_at {integer} NOT NULL, completed_at {integer})"
    )


def downgrade() -> None:
    for table in ("journal_snapshots", "journal_entries", "journal_filters", "journal_subscriptions"):
        op.execute(f"DROP TABLE {table}")
