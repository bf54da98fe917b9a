"""Services over a SQLite database of the test's own, called in-process (no server), and the records such
tests make."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import msgspec

from localspot.app import Services
from localspot.crm.objects.inputs import CreateInput
from localspot.kernel.portals.principal import Principal
from localspot.kernel.storage import open_database
from localspot.kernel.storage.migrate import upgrade
from localspot.kernel.storage.portals import ALL_SCOPES

PRINCIPAL = Principal(1, frozenset({ALL_SCOPES}))
TASK_TO_CONTACT = 204


def services_on(path: Path) -> Iterator[Services]:
    """For a fixture: the services over a new, migrated database at `path`, closed afterwards."""
    database = open_database(None, str(path))
    upgrade(database)
    yield Services(database)
    database.close()


def create_tasks_on(services: Services, contact: int, count: int) -> list[int]:
    """Ids of `count` new tasks, each associated with the contact."""
    association = {
        "to": {"id": str(contact)},
        "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": TASK_TO_CONTACT}],
    }
    inputs = [
        msgspec.convert({"properties": {"hs_timestamp": "0"}, "associations": [association]}, CreateInput)
        for _ in range(count)
    ]
    return [int(r["id"]) for r in services.records.batch_create(PRINCIPAL, "tasks", inputs).results]
