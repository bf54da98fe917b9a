"""Associations between records. Each is stored in both directions (the inverse under its inverse type)
so that reads from either side are one indexed range. Reads join `records` so that associations of
archived records stay stored but are never seen.

SQLite: a new record's own rows are written at once; the inverse rows, keyed by older records, are appended to
`association_pending` (revision 0012) and settled into `associations` in record order before anything reads or
deletes associations: by every read session (`SqliteDatabase.session`) and, in write sessions, by each method
below that reads or deletes. The inverse row of a task's association is keyed by the contact, so writing it at
once dirtied one scattered page per association per commit; settled in bulk, a contact's page is written once
for all its new rows."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence

from localspot.kernel.storage.records import records_among
from localspot.kernel.storage.session import Queries, chunks, placeholders

# (from id, to id, from type, to type, category, type id)
AssociationRow = tuple[int, int, str, str, str, int]
# (category, type id)
TypeKey = tuple[str, int]
# What a limit bounds: (owner record, to type, category, type id)
LimitSlot = tuple[int, str, str, int]

_PAIR_CHUNK = 250
# Past this many pending rows the oldest STAGED_ROWS are moved into `association_sorted` (revision 0025) in one
# step, ordered by record, and each write then settles the next slice of them, twice as many rows as it
# appends, so the table shrinks back under the bound and no writer ever settles it whole (two seconds at
# 1,000,000 rows). A slice covers a narrow range of records and writes few pages; the oldest rows taken by age
# fell on a page each (docs/performance.md, "The sustained 60 s run"). The next reader waits for at most the
# settling of MAX_PENDING_ROWS + STAGED_ROWS (about 0.3 s at 2 µs a row).
MAX_PENDING_ROWS = 100_000
STAGED_ROWS = 20_000
_COLUMNS = "portal_id, from_id, to_id, from_type, to_type, category, type_id, created_at"
# By record, then as written: a record's page of `associations` is written once for all its rows, and of
# duplicates (always of one record) the first settles and the later are dropped, as ON CONFLICT DO NOTHING did
# at insert. The whole key would sort the same pages about twice as slowly.
_BY_RECORD = "portal_id, from_id, seq"
_INTO_ASSOCIATIONS = (
    f"INSERT INTO associations ({_COLUMNS}) SELECT {_COLUMNS} FROM {{table}} WHERE {{where}} ORDER BY {{order}} "
    "ON CONFLICT (portal_id, from_id, to_type, to_id, category, type_id) DO NOTHING"
)


class AssociationQueries(Queries):
    def insert_associations(
        self, portal_id: int, rows: Sequence[AssociationRow], now: int, new_records: Collection[int] = ()
    ) -> None:
        """`new_records`: ids this transaction created, none of which `associations` holds rows from yet."""
        if self.dialect.name == "sqlite":
            # A new record's own rows land together, where no rows were (ids only grow): written at once they
            # fill a page or two. Only the inverse rows, keyed by older records, wait to be settled in bulk.
            direct: list[AssociationRow] = []
            waiting: list[AssociationRow] = []
            for row in rows:
                (direct if row[0] in new_records else waiting).append(row)
            self._insert_settled(portal_id, direct, now)
            self.executemany(
                f"INSERT INTO association_pending ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(portal_id, *row, now) for row in waiting],
            )
            if waiting:
                self._settle_oldest_past_bound(2 * len(waiting))
            return
        self._insert_settled(portal_id, rows, now)

    def _insert_settled(self, portal_id: int, rows: Sequence[AssociationRow], now: int) -> None:
        self.executemany(
            f"INSERT INTO associations ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (portal_id, from_id, to_type, to_id, category, type_id) DO NOTHING",
            [(portal_id, *row, now) for row in rows],
        )

    def associations_pending(self) -> bool:
        """Whether SQLite has association rows still to settle (never on PostgreSQL)."""
        if self.dialect.name != "sqlite":
            return False
        return bool(
            self.fetchone(
                "SELECT EXISTS (SELECT 1 FROM association_pending) OR EXISTS (SELECT 1 FROM association_sorted)"
            )[0]
        )

    def settle_associations(self) -> None:
        """Moves SQLite's pending association rows into `associations`, in record order (the first of
        duplicates wins, as ON CONFLICT DO NOTHING did at insert). A read session has nothing to do: it
        settled them when it began (`SqliteDatabase.session`), and its snapshot sees no later ones."""
        if not self.write or not self.associations_pending():
            return
        self._settle_sorted(None)  # the sorted rows are older than every pending one
        # The WHERE clause (`true` at least): SQLite's parser would otherwise read ON CONFLICT as a join
        # constraint.
        self.execute(_INTO_ASSOCIATIONS.format(table="association_pending", where="true", order=_BY_RECORD))
        self.execute("DELETE FROM association_pending")

    def _settle_oldest_past_bound(self, count: int) -> None:
        if self._settle_sorted(count):
            return
        # One aggregate per statement: SQLite answers a lone min() or max() from the rowid's ends, but reads
        # every row for both in one SELECT (5 ms a write at 100,000 pending rows).
        first, last = self.fetchone(
            "SELECT (SELECT min(seq) FROM association_pending), (SELECT max(seq) FROM association_pending)"
        )
        # Rows only ever leave the pending table oldest first, so the seqs stay contiguous.
        if last - first + 1 <= MAX_PENDING_ROWS:
            return
        moved = (first + STAGED_ROWS,)
        self.execute(
            f"INSERT INTO association_sorted ({_COLUMNS}) SELECT {_COLUMNS} FROM association_pending "
            f"WHERE seq < ? ORDER BY {_BY_RECORD}",
            moved,
        )
        self.execute("DELETE FROM association_pending WHERE seq < ?", moved)
        self._settle_sorted(count)

    def _settle_sorted(self, count: int | None) -> bool:
        """Settles the next `count` sorted rows (all of them for None); returns whether there were any."""
        first = self.fetchone("SELECT min(seq) FROM association_sorted")[0]
        if first is None:
            return False
        where, parameters = ("seq < ?", (first + count,)) if count is not None else ("true", ())
        self.execute(_INTO_ASSOCIATIONS.format(table="association_sorted", where=where, order="seq"), parameters)
        self.execute(f"DELETE FROM association_sorted WHERE {where}", parameters)
        return True

    def delete_associations(self, portal_id: int, rows: Sequence[tuple[int, int, str, int]]) -> None:
        """rows: (from id, to id, category, type id); callers pass both directions."""
        self.settle_associations()
        self.executemany(
            "DELETE FROM associations WHERE portal_id = ? AND from_id = ? AND to_id = ? AND category = ? "
            "AND type_id = ?",
            [(portal_id, *row) for row in rows],
        )

    def delete_association_pairs(self, portal_id: int, pairs: Sequence[tuple[int, int]]) -> None:
        """Every association between each pair, in both directions."""
        self.settle_associations()
        self.executemany(
            "DELETE FROM associations WHERE portal_id = ? AND from_id = ? AND to_id = ?",
            [(portal_id, a, b) for pair in pairs for a, b in (pair, pair[::-1])],
        )

    def association_types_between(
        self, portal_id: int, to_type: str, pairs: Sequence[tuple[int, int]]
    ) -> dict[tuple[int, int], set[TypeKey]]:
        """The types stored from each pair's first record to its second (archived or not)."""
        self.settle_associations()
        found: dict[tuple[int, int], set[TypeKey]] = defaultdict(set)
        wanted = set(pairs)
        for part in chunks(sorted(wanted), _PAIR_CHUNK):
            from_ids = sorted({a for a, _ in part})
            to_ids = sorted({b for _, b in part})
            rows = self.fetchall(
                "SELECT from_id, to_id, category, type_id FROM associations WHERE portal_id = ? "
                f"AND from_id IN ({placeholders(len(from_ids))}) AND to_type = ? "
                f"AND to_id IN ({placeholders(len(to_ids))})",
                (portal_id, *from_ids, to_type, *to_ids),
            )
            for from_id, to_id, category, type_id in rows:
                if (from_id, to_id) in wanted:
                    found[(from_id, to_id)].add((category, type_id))
        return found

    def read_associations(
        self, portal_id: int, from_ids: Sequence[int], to_type: str, *, after: int, limit: int
    ) -> dict[int, list[tuple[int, str, int]]]:
        """For each from record: (to id, category, type id) rows of its first `limit` live associated
        records of `to_type` with ids above `after`, ordered by to id."""
        self.settle_associations()
        found: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
        for part in chunks(list(from_ids)):
            rows = self.fetchall(
                "SELECT from_id, to_id, category, type_id FROM ("
                "SELECT a.from_id, a.to_id, a.category, a.type_id, "
                "DENSE_RANK() OVER (PARTITION BY a.from_id ORDER BY a.to_id) AS slot "
                "FROM associations a JOIN records r ON r.portal_id = a.portal_id AND r.id = a.to_id "
                f"WHERE a.portal_id = ? AND a.from_id IN ({placeholders(len(part))}) AND a.to_type = ? "
                "AND a.to_id > ? AND r.archived = ?"
                ") ranked WHERE slot <= ? ORDER BY from_id, to_id, category, type_id",
                (portal_id, *part, to_type, after, False, limit),
            )
            for from_id, to_id, category, type_id in rows:
                found[from_id].append((to_id, category, type_id))
        return found

    def counts_under_limits(self, portal_id: int, slots: Iterable[LimitSlot]) -> dict[LimitSlot, int]:
        """How many live records each slot (owner record, to type, category, type id) holds, for checking
        limits on them. On PostgreSQL every slot is locked first, until the transaction ends: writers
        adding to one slot count and insert one after the other, whichever connection or process they run
        on (READ COMMITTED: the count, a statement after the lock, sees every row committed before it).
        SQLite needs no lock: its writers are serialised. The locks are taken in one order (sorted keys,
        one statement), so two writers never wait on each other's."""
        wanted = sorted(set(slots))
        if not wanted:
            return {}
        if self.dialect.name != "sqlite":
            keys = sorted({_lock_key(portal_id, slot) for slot in wanted})
            self.fetchall("SELECT pg_advisory_xact_lock(k) FROM unnest(?::bigint[]) AS k", (keys,))
        self.settle_associations()
        by_type: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        for owner, to_type, category, type_id in wanted:
            by_type[(to_type, category, type_id)].append(owner)
        counts = dict.fromkeys(wanted, 0)
        for (to_type, category, type_id), owners in by_type.items():
            for part in chunks(owners):
                rows = self.fetchall(
                    "SELECT a.from_id, COUNT(*) FROM associations a JOIN records r ON r.portal_id = a.portal_id "
                    f"AND r.id = a.to_id WHERE a.portal_id = ? AND a.from_id IN ({placeholders(len(part))}) "
                    "AND a.to_type = ? AND a.category = ? AND a.type_id = ? AND r.archived = ? GROUP BY a.from_id",
                    (portal_id, *part, to_type, category, type_id, False),
                )
                counts.update(((owner, to_type, category, type_id), n) for owner, n in rows)
        return counts

    def crowded_records(
        self, portal_id: int, at_least: int, *, by_type: bool
    ) -> list[tuple[str, str, int, tuple[str, int] | None, int]]:
        """(from type, to type, from id, association type, live records associated) of each live record
        associated with at least `at_least` live records of one object type (`by_type`: under one association
        type; else under any, the type being None), in that order."""
        self.settle_associations()
        keys = "a.from_type, a.to_type, a.from_id" + (", a.category, a.type_id" if by_type else "")
        rows = self.fetchall(
            f"SELECT {keys}, COUNT(DISTINCT a.to_id) FROM associations a "
            "JOIN records f ON f.portal_id = a.portal_id AND f.id = a.from_id AND f.archived = ? "
            "JOIN records t ON t.portal_id = a.portal_id AND t.id = a.to_id AND t.archived = ? "
            f"WHERE a.portal_id = ? GROUP BY {keys} HAVING COUNT(DISTINCT a.to_id) >= ? ORDER BY {keys}",
            (False, False, portal_id, at_least),
        )
        if by_type:
            return [(r[0], r[1], int(r[2]), (r[3], int(r[4])), int(r[5])) for r in rows]
        return [(r[0], r[1], int(r[2]), None, int(r[3])) for r in rows]

    def association_type_in_use(self, portal_id: int, category: str, type_ids: Sequence[int]) -> bool:
        self.settle_associations()
        row = self.fetchone(
            "SELECT 1 FROM associations WHERE portal_id = ? AND category = ? "
            f"AND type_id IN ({placeholders(len(type_ids))}) LIMIT 1",
            (portal_id, category, *type_ids),
        )
        return row is not None

    def live_associations(
        self, portal_id: int, from_ids: Sequence[int], to_types: Sequence[str]
    ) -> list[tuple[int, int, str, str, int]]:
        """(from id, to id, to type, category, type id) of each association from `from_ids` to a live
        record of one of `to_types`; associations to archived records stay stored but are not read."""
        self.settle_associations()
        found: list[tuple[int, int, str, str, int]] = []
        if not to_types:
            return found
        for part in chunks(list(from_ids)):
            rows = self.fetchall(
                "SELECT a.from_id, a.to_id, a.to_type, a.category, a.type_id FROM associations a "
                "JOIN records r ON r.portal_id = a.portal_id AND r.id = a.to_id AND r.archived = ? "
                f"WHERE a.portal_id = ? AND a.from_id IN ({placeholders(len(part))}) "
                f"AND a.to_type IN ({placeholders(len(to_types))}) ORDER BY a.from_id, a.to_type, a.to_id, a.type_id",
                (False, portal_id, *part, *to_types),
            )
            found.extend((row[0], row[1], row[2], row[3], row[4]) for row in rows)
        return found

    def record_types(self, portal_id: int, ids: Sequence[int]) -> dict[int, str]:
        """Object type of each live record among `ids` (any type): association targets. Found by the
        primary key alone, the archived ones dropped after (`records_among`)."""
        return {rid: type_id for rid, type_id, archived in records_among(self.session, portal_id, ids) if not archived}

    def move_associations(self, portal_id: int, from_record: int, to_record: int) -> None:
        """Re-points every association of `from_record` (both directions) at `to_record`. Associations
        between the two would become a record associated with itself, so they are dropped."""
        self.settle_associations()
        # Rows to the record are the inverses of rows from it: both are found by the primary key.
        rows = self.fetchall(
            "SELECT from_id, to_id, from_type, to_type, category, type_id, created_at FROM associations "
            "WHERE portal_id = ? AND (from_id = ? OR (from_id IN (SELECT to_id FROM associations "
            "WHERE portal_id = ? AND from_id = ?) AND to_id = ?))",
            (portal_id, from_record, portal_id, from_record, from_record),
        )
        self.delete_associations_of(portal_id, [from_record])
        moved = []
        for from_id, to_id, from_type, to_type, category, type_id, created_at in rows:
            new_from = to_record if from_id == from_record else from_id
            new_to = to_record if to_id == from_record else to_id
            if new_from != new_to:
                moved.append((portal_id, new_from, new_to, from_type, to_type, category, type_id, created_at))
        self.executemany(
            "INSERT INTO associations (portal_id, from_id, to_id, from_type, to_type, category, type_id, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (portal_id, from_id, to_type, to_id, category, type_id) DO NOTHING",
            moved,
        )

    def delete_associations_of(self, portal_id: int, record_ids: Sequence[int]) -> None:
        """Every association from or to the records, in both directions."""
        self.settle_associations()
        for part in chunks(list(record_ids)):
            marks = placeholders(len(part))
            # The inverse rows first, found from the records' own rows (there is no index by to_id).
            self.execute(
                "DELETE FROM associations WHERE portal_id = ? AND from_id IN (SELECT to_id FROM associations "
                f"WHERE portal_id = ? AND from_id IN ({marks})) AND to_id IN ({marks})",
                (portal_id, portal_id, *part, *part),
            )
            self.execute(f"DELETE FROM associations WHERE portal_id = ? AND from_id IN ({marks})", (portal_id, *part))


def _lock_key(portal_id: int, slot: LimitSlot) -> int:
    """The advisory lock key of one limit slot: a stable 64-bit hash (Python's own hash differs between
    processes), shared by every localspot process on the database."""
    text = f"association-limit:{portal_id}:{slot[0]}:{slot[1]}:{slot[2]}:{slot[3]}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big", signed=True)
