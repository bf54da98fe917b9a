"""The journal's hook for the live page: subscribers are called after each recorded exchange and can stop,
and `newer_than` reads what came after an id, oldest first."""

from __future__ import annotations

from localspot.control.journal import Exchange, Journal, matches


def _exchange(journal: Journal, path: str = "/crm/v3/objects/contacts", status: int = 200) -> Exchange:
    entry = Exchange(0, 0, 7, "GET", path, "", {}, b"", status, 1.0, b"")
    journal.record(entry)
    return entry


def test_subscribers_hear_of_each_exchange_until_they_unsubscribe():
    journal = Journal(10)
    heard: list[int] = []
    unsubscribe = journal.subscribe(lambda: heard.append(journal.last_id))
    _exchange(journal)
    _exchange(journal)
    unsubscribe()
    unsubscribe()  # twice is harmless
    _exchange(journal)
    assert heard == [1, 2]


def test_newer_than_reads_the_entries_after_an_id_oldest_first_within_the_ring():
    journal = Journal(3)
    assert journal.last_id == 0 and journal.newer_than(0) == []
    for _ in range(5):
        _exchange(journal)
    assert [e.id for e in journal.newer_than(0)] == [3, 4, 5]  # the ring keeps three
    assert [e.id for e in journal.newer_than(3)] == [4, 5]
    assert [e.id for e in journal.newer_than(1, limit=1)] == [5]
    assert journal.newer_than(5) == []


def test_matches_applies_the_journals_filters():
    journal = Journal(3)
    entry = _exchange(journal, "/crm/v3/objects/deals/1", 404)
    assert matches(entry) and matches(entry, portal_id=7, method="GET", status=404, path="/crm/v3/objects/deals")
    assert matches(entry, path="*/1") and not matches(entry, path="/crm/v3/objects/contacts")
    assert not matches(entry, portal_id=8) and not matches(entry, method="POST") and not matches(entry, status=200)
