"""Whether the database answers, for `/_localspot/health`: one trivial statement in a read that settles nothing."""

from __future__ import annotations

from localspot.kernel.storage.database import Database
from localspot.kernel.storage.errors import DatabaseUnavailable


def database_answers(database: Database) -> bool:
    try:
        with database.session(write=False, settle=False) as session:
            session.execute("SELECT 1")
    except DatabaseUnavailable:
        return False
    return True
