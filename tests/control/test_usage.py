"""The daily usage's tally (`control/usage.py`), in-process over a migrated SQLite file: counting a request
opens no write session (it once cost every request one: 46 us, and a place in SQLite's write queue); the counts
reach the shared counter in one write, exactly; a reset's clearing drops what waits; a failed flush keeps them."""

from __future__ import annotations

import contextlib

import pytest

from localspot.control.queries import ControlQueries
from localspot.control.rate_limits import DAY_MS, RateLimits
from localspot.control.state import ControlState
from localspot.control.usage import DailyUsage
from localspot.kernel.storage import open_database
from localspot.kernel.storage.migrate import upgrade
from localspot.kernel.storage.portals import PortalQueries

PORTAL = 4_700_001
OTHER = 4_700_002


@pytest.fixture
def database(tmp_path):
    database = open_database(None, str(tmp_path / "usage.db"))
    upgrade(database)
    with database.session(write=True) as session:
        for portal_id in (PORTAL, OTHER):
            PortalQueries.of(session).ensure_portal(portal_id, 0)
    yield database
    database.close()


class WriteSpy:
    """Counts the write sessions opened on the database it wraps."""

    def __init__(self, database) -> None:
        self.database = database
        self.writes = 0
        self.fail = False

    def __getattr__(self, name):
        return getattr(self.database, name)

    @contextlib.contextmanager
    def session(self, *, write: bool, **options):
        if write:
            self.writes += 1
            if self.fail:
                raise ConnectionError("the database is out of reach")
        with self.database.session(write=write, **options) as session:
            yield session


@pytest.fixture
def spy(database):
    return WriteSpy(database)


@pytest.fixture
def usage(spy):
    state = ControlState(spy)
    state.refresh(force=True)
    rate_limits = RateLimits(spy, state)
    usage = DailyUsage(spy, state, rate_limits)
    rate_limits.on_cleared(usage.forget)
    return usage


def stored(database, portal_id: int) -> int:
    with database.session(write=False) as session:
        now = session.clock.now_ms()
        return ControlQueries.of(session).window_count(portal_id, "DAILY", now - now % DAY_MS)


def test_counting_writes_nothing_until_the_flush_adds_every_count_in_one_write(usage, spy, database):
    for _ in range(1000):
        usage.count(PORTAL)
    usage.count(OTHER)
    assert spy.writes == 0
    assert stored(database, PORTAL) == 0
    usage.flush()
    assert spy.writes == 1
    assert (stored(database, PORTAL), stored(database, OTHER)) == (1000, 1)
    usage.flush()  # nothing waits: no write
    assert spy.writes == 1


def test_the_usage_read_includes_this_process_counts(usage):
    for _ in range(3):
        usage.count(PORTAL)
    assert usage.daily(PORTAL) == (None, 3)
    usage.count(PORTAL)
    assert usage.daily(PORTAL) == (None, 4)


def test_clearing_the_portal_counters_drops_the_counts_still_waiting(usage, spy, database):
    usage.count(PORTAL)
    usage.count(OTHER)
    with database.session(write=True) as session:
        usage.rate_limits.clear_counters(session, PORTAL)
    usage.flush()
    assert (stored(database, PORTAL), stored(database, OTHER)) == (0, 1)


def test_a_failed_flush_keeps_the_counts_for_the_next(usage, spy, database):
    usage.count(PORTAL)
    spy.fail = True
    with pytest.raises(ConnectionError):
        usage.flush()
    usage.count(PORTAL)
    spy.fail = False
    usage.flush()
    assert stored(database, PORTAL) == 2


def test_the_background_flusher_adds_the_counts_and_stopping_flushes_the_rest(usage, database):
    usage.start()
    try:
        usage.count(PORTAL)
        for _ in range(100):
            if stored(database, PORTAL) == 1:
                break
            usage._stop.wait(0.01)
        assert stored(database, PORTAL) == 1
        usage.count(PORTAL)
    finally:
        usage.stop()
    assert stored(database, PORTAL) == 2
