"""CRM search: conditions built by the service, run as SQL on SQLite or PostgreSQL (`where.WhereBuilder`),
counted exactly, and paged. SQLite's lazy search indexes (SEARCH_ROWS and the full-text index) are caught
up here too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from localspot.crm.search.conditions import Condition, FullText, Sort, full_text_body, read_targets, scope_prefix
from localspot.crm.search.queries.counts import CountKey, IndexCount, SearchCounts
from localspot.crm.search.queries.where import WhereBuilder, associated_source
from localspot.kernel.storage.records import RECORD_COLUMNS, RecordRow, fetch_records, record_from_row
from localspot.kernel.storage.search_index import (
    COLUMN,
    SAFE_TYPE_ID,
    SEARCH_ROWS,
    Target,
    key_column,
    value_sql,
)
from localspot.kernel.storage.session import Queries

# A catch-up carries remembered totals forward by their delta over the re-indexed records while that costs at
# most this many probes (records noted x totals); a larger catch-up leaves the rest to be counted afresh.
MAX_DELTA_PROBES = 50_000


# A query word that starts at most this many indexed words is matched as those words (streamed by FTS5);
# beyond, as an FTS5 prefix query (which materialises every matching posting first).
MAX_EXPANDED_TERMS = 64


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class SearchQueries(Queries):
    # The totals this session's catch-up carried to its new generation (and any counted after it), which the
    # process remembers once the catch-up commits.
    _carried: tuple[int, dict[CountKey, tuple[IndexCount, int]]] | None = None

    def search_records(
        self,
        portal_id: int,
        object_type_id: str,
        groups: Sequence[Sequence[Condition]],
        sort: Sort | None,
        *,
        offset: int,
        limit: int,
        keyed: Sequence[Target] = (),
        counts: SearchCounts | None = None,
    ) -> tuple[int, list[RecordRow]]:
        """(total, the page of live records) matching any group (all conditions of a group).

        `keyed`: the type's targets with search indexes (SQLite reads those from SEARCH_ROWS, which
        `catch_up_search` must have brought up to date). `counts`: the totals the process remembers."""
        dialect = self.dialect.name
        self.session.settle_deferred()  # `associations.X` filters read the associations

        def fts_match(tokens: Sequence[str]) -> str:
            return self._fts_match(portal_id, object_type_id, tokens)

        keys = frozenset(keyed) & read_targets(groups, sort) if dialect == "sqlite" else frozenset()
        # SEARCH_ROWS only when a filter or the sort reads an indexed property; otherwise the records alone.
        searched = SEARCH_ROWS if keys else "records"
        builder = WhereBuilder(
            dialect,
            fts_match,
            frozenset(keyed) if keys else None,
            portal_id=portal_id,
            object_type_id=object_type_id,
        )
        probed = associated_source(portal_id, object_type_id, groups) if dialect == "postgresql" else None
        source, source_params = f"{searched} r", []
        if probed is not None:
            source, source_params, groups = probed
        type_sql = f"'{object_type_id}'" if SAFE_TYPE_ID.match(object_type_id) else "?"
        where = f"r.portal_id = ? AND r.object_type_id = {type_sql} AND r.archived = ?"
        head: list[Any] = [portal_id] + ([] if type_sql != "?" else [object_type_id]) + [False]
        if groups:
            where += " AND " + builder.groups(groups)
        order = builder.order(sort)
        params = source_params + head + builder.params
        source += " JOIN records d ON d.id = r.id" if builder.joins_records else ""
        full_text = self._indexed_query_alone(groups)
        if full_text is not None:
            # The full-text index holds exactly the live records of each portal and type (caught up before
            # any search): a query alone is counted, and paged in creation order, there, without visiting
            # every matching record row.
            match = fts_match(full_text.tokens)
            count = "SELECT count(*) FROM record_search WHERE record_search MATCH ?"
            total = self._count(counts, count, [match], over_index=True)
            if sort is None:
                page = self.fetchall(
                    "SELECT rowid FROM record_search WHERE record_search MATCH ? ORDER BY rowid LIMIT ? OFFSET ?",
                    (match, limit, offset),
                )
                return total, self._records_in_order(portal_id, object_type_id, [row[0] for row in page])
        else:
            # Over SEARCH_ROWS alone, a total changes only when the indexes catch up; without a full-text
            # condition (whose subquery would match every posting again), a catch-up carries it by its delta.
            over_index = searched == SEARCH_ROWS and not (builder.joins_records or builder.reads_associations)
            by_delta = over_index and not builder.reads_full_text
            total = self._count(
                counts,
                f"SELECT count(*) FROM {source} WHERE {where}",
                params,
                over_index=over_index,
                # Only the rowids of the few noted records: NOT INDEXED keeps the planner off the search
                # index a small table's statistics favour, and `IN (…)` off the Bloom filter over every
                # match of `where` that a join (even a CROSS JOIN) builds first.
                pending_query=(
                    f"SELECT count(*) FROM {SEARCH_ROWS} r NOT INDEXED WHERE r.id IN "
                    f"(SELECT record_id FROM search_pending) AND {where}"
                )
                if by_delta
                else None,
            )
        if total <= offset:
            return total, []
        if searched == "records":
            rows = self.fetchall(
                f"SELECT {RECORD_COLUMNS} FROM {source} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
            return total, [record_from_row(self.session, row) for row in rows]
        page = self.fetchall(
            f"SELECT r.id FROM {source} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?", [*params, limit, offset]
        )
        return total, self._records_in_order(portal_id, object_type_id, [row[0] for row in page])

    def _records_in_order(self, portal_id: int, object_type_id: str, ids: list[int]) -> list[RecordRow]:
        found = fetch_records(self.session, portal_id, object_type_id, ids)
        return [found[record_id] for record_id in ids if record_id in found]

    def _fts_match(self, portal_id: int, object_type_id: str, tokens: Sequence[str]) -> str:
        """The bound FTS5 MATCH text for a query's words within one portal and type: each word as the
        indexed words it starts (looked up in the index's vocabulary), all words ANDed."""
        prefix = scope_prefix(portal_id, object_type_id)
        # A database upgraded with an early revision 0004 lacks the vocabulary: plain prefix queries there.
        has_vocabulary = self.fetchone(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'record_search_terms'"
        )[0]
        parts = []
        for token in tokens:
            start = prefix + token
            if not has_vocabulary:
                parts.append(_quoted(start) + " *")
                continue
            terms = [
                row[0]
                for row in self.fetchall(
                    "SELECT term FROM record_search_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?",
                    (start, start + "\U0010ffff", MAX_EXPANDED_TERMS + 1),
                )
            ]
            if not terms:
                return _quoted(start)  # no indexed word starts so: nothing matches
            if len(terms) > MAX_EXPANDED_TERMS:
                parts.append(_quoted(start) + " *")
            else:
                parts.append("(" + " OR ".join(_quoted(term) for term in terms) + ")")
        return " AND ".join(parts)

    def _count(
        self,
        counts: SearchCounts | None,
        query: str,
        params: Sequence[Any],
        *,
        over_index: bool,
        pending_query: str | None = None,
    ) -> int:
        """An exact count, remembered (SQLite) for as long as it stays exact (`counts`)."""
        if self.dialect.name != "sqlite" or counts is None:
            return self.fetchone(query, params)[0]
        key = (query, tuple(params))
        if not over_index:
            connection = self.cursor.connection
            version = (connection, self.fetchone("PRAGMA data_version")[0], connection.total_changes)
            total = counts.records_total(version, key)
            if total is None:
                total = self.fetchone(query, params)[0]
                counts.remember_records_total(version, key, total)
            return total
        generation = self._generation()
        if self._carried is not None and self._carried[0] == generation:
            found = self._carried[1].get(key)
            if found is None:
                found = self._carried[1][key] = (IndexCount(key, pending_query), self.fetchone(query, params)[0])
            return found[1]
        total = counts.index_total(generation, key)
        if total is None:
            total = self.fetchone(query, params)[0]
            counts.remember_index_total(generation, IndexCount(key, pending_query), total)
        return total

    def _generation(self) -> int:
        return self.fetchone("SELECT generation FROM search_state")[0]

    def search_behind(self) -> bool:
        """Whether record writes wait to be brought into SQLite's lazy search indexes (never on PostgreSQL):
        records newer than `search_state`, or updates, archives and deletes noted in `search_pending`."""
        if self.dialect.name != "sqlite":
            return False
        return bool(
            self.fetchone(
                "SELECT EXISTS (SELECT 1 FROM search_pending) OR (SELECT indexed_through FROM search_state) "
                "< (SELECT COALESCE(MAX(id), 0) FROM records)"
            )[0]
        )

    def catch_up_search(
        self, keyed: Mapping[str, Sequence[Target]], chunk: int = 5000, counts: SearchCounts | None = None
    ) -> None:
        """Brings SEARCH_ROWS and the full-text index up to date with every record write (revisions 0004
        and 0011), and advances their generation (0024). `keyed`: object type id -> its targets with search
        indexes. `counts`: the totals this process remembers, carried to the new generation. Runs in a
        write session.

        Archived and deleted records simply leave both. One sorted pass over many writes costs far less
        than keeping the indexes at each write."""
        newest = self.fetchone("SELECT COALESCE(MAX(id), 0) FROM records")[0]
        indexed_through, generation = self.fetchone("SELECT indexed_through, generation FROM search_state")
        if newest > indexed_through:
            self.execute(
                "INSERT OR IGNORE INTO search_pending (portal_id, record_id) SELECT portal_id, id FROM records "
                "WHERE id > ?",
                (indexed_through,),
            )
            self.execute("UPDATE search_state SET indexed_through = ?", (newest,))
        carried = counts.carried(generation) if counts is not None else []
        if carried:
            noted = self.fetchone(
                "SELECT count(*) FROM (SELECT 1 FROM search_pending LIMIT ?)", (MAX_DELTA_PROBES + 1,)
            )[0]
            carried = carried[: MAX_DELTA_PROBES // max(noted, 1)]
        # Each total's share among the records about to be re-indexed, before and after.
        before = [self.fetchone(count.pending_query, count.key[1])[0] for count, _ in carried]  # type: ignore[arg-type]
        self.execute("DELETE FROM record_search WHERE rowid IN (SELECT record_id FROM search_pending)")
        self.execute(f"DELETE FROM {SEARCH_ROWS} WHERE id IN (SELECT record_id FROM search_pending)")
        for object_type_id, targets in keyed.items():
            properties = [t for t in targets if t.kind != COLUMN]
            if not properties or not SAFE_TYPE_ID.match(object_type_id):
                continue
            columns = "".join(f", {key_column(t.name)}" for t in properties)
            values = "".join(f", {value_sql('sqlite', t)}" for t in properties)
            self.execute(
                f"INSERT INTO {SEARCH_ROWS} (id, portal_id, object_type_id, archived, created_at, updated_at{columns}) "
                f"SELECT r.id, r.portal_id, r.object_type_id, r.archived, r.created_at, r.updated_at{values} "
                "FROM records r WHERE r.id IN (SELECT record_id FROM search_pending) "
                f"AND r.object_type_id = '{object_type_id}' AND r.archived = ?",
                (False,),
            )
        self._catch_up_full_text(chunk)
        totals = {
            count.key: (count, total - share + self.fetchone(count.pending_query, count.key[1])[0])  # type: ignore[arg-type]
            for (count, total), share in zip(carried, before, strict=True)
        }
        self.execute("DELETE FROM search_pending")
        self.execute("UPDATE search_state SET generation = ?", (generation + 1,))
        if counts is not None:
            self._carried = (generation + 1, totals)
            self.session.after_commit.append(lambda: counts.advance(generation + 1, totals))

    def _catch_up_full_text(self, chunk: int) -> None:
        searchable = (
            "FROM search_text_properties s WHERE s.portal_id IN (0, r.portal_id) "
            "AND s.object_type_id = r.object_type_id"
        )
        # Chunks of search_pending in key order. `r.id IN (…)` keeps SQLite on the records' rowid (a join
        # lets the planner scan `records` whole, or build a Bloom filter over it, when pending is small).
        last = (-1, -1)
        while True:
            bound = self.fetchone(
                "SELECT portal_id, record_id FROM search_pending WHERE (portal_id, record_id) > (?, ?) "
                "ORDER BY portal_id, record_id LIMIT 1 OFFSET ?",
                (*last, chunk - 1),
            )
            high = tuple(bound) if bound else (2**62, 2**62)
            rows = self.fetchall(
                "SELECT r.id, r.portal_id, r.object_type_id, "
                f"(SELECT group_concat(json_extract(r.properties, '$.\"' || s.name || '\"'), char(10)) {searchable}) "
                "FROM records r WHERE r.id IN (SELECT record_id FROM search_pending "
                "WHERE (portal_id, record_id) > (?, ?) AND (portal_id, record_id) <= (?, ?)) "
                f"AND r.archived = ? AND EXISTS (SELECT 1 {searchable})",
                (*last, *high, False),
            )
            self.executemany(
                "INSERT INTO record_search (rowid, body) VALUES (?, ?)",
                [
                    (rid, full_text_body(portal_id, type_id, text))
                    for rid, portal_id, type_id, text in rows
                    if text is not None
                ],
            )
            if bound is None:
                break
            last = high

    def _indexed_query_alone(self, groups: Sequence[Sequence[Condition]]) -> FullText | None:
        only = groups[0][0] if len(groups) == 1 and len(groups[0]) == 1 else None
        if self.dialect.name == "sqlite" and isinstance(only, FullText) and only.names and only.indexed:
            return only
        return None
