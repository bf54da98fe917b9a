"""The app platform: apps, authorization codes, refresh tokens and app-level (client credentials) tokens
(access tokens issued to an app live in `tokens`, which gains their app and expiry), and each app's webhook
settings and subscriptions.

Revision ID: 0015
Revises: 0013
"""

from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    integer = "BIGINT" if op.get_bind().dialect.name == "postgresql" else "INTEGER"
    op.execute(f"ALTER TABLE tokens ADD COLUMN app_id {integer}")
    op.execute(f"ALTER TABLE tokens ADD COLUMN expires_at {integer}")
    op.execute(
        f"CREATE TABLE apps (id {integer} PRIMARY KEY, client_id TEXT NOT NULL UNIQUE, definition TEXT NOT NULL, "
        f"created_at {integer} NOT NULL)"
    )
    op.execute(
        f"CREATE TABLE oauth_codes (code_hash TEXT PRIMARY KEY, app_id {integer} NOT NULL, "
        f"portal_id {integer} NOT NULL, redirect_uri TEXT NOT NULL, scopes TEXT NOT NULL, "
        f"expires_at {integer} NOT NULL)"
    )
    op.execute(
        f"CREATE TABLE oauth_refresh_tokens (token_hash TEXT PRIMARY KEY, app_id {integer} NOT NULL, "
        f"portal_id {integer} NOT NULL, scopes TEXT NOT NULL, created_at {integer} NOT NULL)"
    )
    op.execute(
        f"CREATE TABLE oauth_app_tokens (token_hash TEXT PRIMARY KEY, app_id {integer} NOT NULL, "
        f"scopes TEXT NOT NULL, expires_at {integer} NOT NULL)"
    )
    op.execute(f"CREATE TABLE webhook_settings (app_id {integer} PRIMARY KEY, settings TEXT NOT NULL)")
    op.execute(
        f"CREATE TABLE webhook_subscriptions (id {integer} PRIMARY KEY, app_id {integer} NOT NULL, "
        "subscription TEXT NOT NULL)"
    )
    op.execute("CREATE INDEX webhook_subscriptions_app ON webhook_subscriptions (app_id, id)")


def downgrade() -> None:
    for table in (
        "webhook_subscriptions",
        "webhook_settings",
        "oauth_app_tokens",
        "oauth_refresh_tokens",
        "oauth_codes",
        "apps",
    ):
        op.execute(f"DROP TABLE {table}")
