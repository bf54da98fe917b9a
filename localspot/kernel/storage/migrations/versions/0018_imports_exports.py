"""Imports and exports: each import with its request, state, counters and progress (the row it has reached,
advanced in the same transaction as the rows it wrote, so a restart resumes where the last commit left it), the
files it was given, and the errors of its rows; each export with its request, and the download links of its
file (each expiring, as HubSpot's do).

Revision ID: 0018
Revises: 0013
"""

from alembic import op

revision = "0018"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    integer = "BIGINT" if postgres else "INTEGER"
    blob = "BYTEA" if postgres else "BLOB"
    op.execute(
        f"CREATE TABLE imports (portal_id {integer} NOT NULL, id {integer} NOT NULL, name TEXT, "
        f"state TEXT NOT NULL, request TEXT NOT NULL, counters TEXT NOT NULL, file_index {integer} NOT NULL, "
        f"row_number {integer} NOT NULL, created_at {integer} NOT NULL, updated_at {integer} NOT NULL, "
        f"claimed_until {integer} NOT NULL, PRIMARY KEY (portal_id, id))"
    )
    op.execute("CREATE INDEX imports_to_run ON imports (state, claimed_until)")
    op.execute(
        f"CREATE TABLE import_files (portal_id {integer} NOT NULL, import_id {integer} NOT NULL, "
        f"file_index {integer} NOT NULL, file_id {integer} NOT NULL, name TEXT NOT NULL, data {blob} NOT NULL, "
        "PRIMARY KEY (portal_id, import_id, file_index))"
    )
    op.execute(
        f"CREATE TABLE import_errors (portal_id {integer} NOT NULL, import_id {integer} NOT NULL, "
        f"id {integer} NOT NULL, created_at {integer} NOT NULL, error TEXT NOT NULL, "
        "PRIMARY KEY (portal_id, import_id, id))"
    )
    op.execute(
        f"CREATE TABLE exports (portal_id {integer} NOT NULL, id {integer} NOT NULL, request TEXT NOT NULL, "
        f"created_at {integer} NOT NULL, PRIMARY KEY (portal_id, id))"
    )
    op.execute(
        f"CREATE TABLE export_downloads (token TEXT PRIMARY KEY, portal_id {integer} NOT NULL, "
        f"export_id {integer} NOT NULL, expires_at {integer} NOT NULL)"
    )


def downgrade() -> None:
    for table in ("export_downloads", "exports", "import_errors", "import_files", "imports"):
        op.execute(f"DROP TABLE {table}")
