"""In-process search over one SQLite file: the services of one server process, called directly."""

from __future__ import annotations

import pytest

from localspot.app import Services
from localspot.kernel.portals.principal import Principal
from localspot.kernel.storage import open_database
from localspot.kernel.storage.migrate import upgrade
from localspot.kernel.storage.portals import ALL_SCOPES

PRINCIPAL = Principal(1, frozenset({ALL_SCOPES}))


@pytest.fixture
def services(tmp_path):
    database = open_database(None, str(tmp_path / "search.db"))
    upgrade(database)
    services = Services(database)
    services.auth.register("t", 1, None)
    yield services
    database.close()
