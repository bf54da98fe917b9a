"""PortalData lists every table that holds a portal's data: a new table with a portal_id column must be
listed there (copied and reset) or named here as kept apart, or reset and snapshots would miss it."""

from __future__ import annotations

from localspot.kernel.storage import open_database
from localspot.kernel.storage.migrate import upgrade
from localspot.kernel.storage.portal_data import DERIVED_TABLES, JOB_TABLES, JOURNAL_TABLES, PORTAL_TABLES

# Tables with a portal_id that reset and snapshots leave alone: the portal's tokens and its apps' installs
# (OAuth codes and refresh tokens), and the control plane's own records of the portal (its snapshots, its
# rate-limit counters), which it clears itself; and the apps' webhook outbox and delivery log and journal
# subscriptions, which the app platform owns (a reset does not take back events already committed).
KEPT_APART = {
    "tokens",
    "oauth_codes",
    "oauth_refresh_tokens",
    "portal_snapshots",
    "rate_counters",
    "webhook_events",
    "webhook_deliveries",
    "journal_subscriptions",
}


def test_every_table_with_a_portal_id_is_known(tmp_path):
    database = open_database(None, str(tmp_path / "tables.db"))
    try:
        upgrade(database)
        with database.session(write=False) as session:
            tables = [row[0] for row in session.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")]
            with_portal = {
                table
                for table in tables
                if any(column[1] == "portal_id" for column in session.fetchall(f"PRAGMA table_info({table})"))
            }
    finally:
        database.close()
    assert with_portal == set(PORTAL_TABLES) | set(DERIVED_TABLES) | set(JOB_TABLES) | set(JOURNAL_TABLES) | KEPT_APART
