"""CRM search: conditions built by the service, turned into SQL for SQLite or PostgreSQL.

Nothing from a request reaches SQL text: values are bound parameters; property names are inlined only
after the service checked them against the type's definitions AND they match `SAFE_NAME` (inlined, so
that the expression is the very one the search indexes were built on); object type ids likewise.
LIKE patterns and their escape character are bound too (never a literal `%` or `?` in SQL).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from localspot.schema.model import ObjectType
from localspot.store.associations import AssociationQueries
from localspot.store.base import QueryBase, placeholders
from localspot.store.records import _COLUMNS as RECORD_COLUMNS
from localspot.store.records import RecordQueries
from localspot.store.rows import RecordRow

SAFE_NAME = re.compile(r"^[a-z0-9_]{1,100}$")
# SQLite's search keys (revision 0011): the live records of each type with search indexes, holding each
# indexed property's value as its search expression gives it (`key_column`); searches read it as `r` (same
# column names as `records`) and join `records d` only for the other properties.
SEARCH_ROWS = "search_rows"


def key_column(name: str) -> str:
    if not SAFE_NAME.match(name):
        raise ValueError(f"unsafe property name {name!r}")
    return f"k_{name}"


SAFE_TYPE_ID = re.compile(r"^\d{1,10}-\d{1,12}$")
LIKE_ESCAPE = "!"
# How a value is compared: numerically, case-insensitively, exactly, as a `;`-separated option set, or
# as the integer of a record column (id, created, modified).
NUMBER, TEXT, EXACT, MULTI, COLUMN = "number", "text", "exact", "multi", "column"
_TOKEN_SPLIT = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Target:
    """What a filter or a sort reads: a property (by its checked name) or a record column."""

    name: str
    kind: str


@dataclass(frozen=True)
class Compare:
    target: Target
    op: str  # one of _OPERATORS
    value: Any


@dataclass(frozen=True)
class OneOf:
    target: Target
    values: tuple[Any, ...]


@dataclass(frozen=True)
class HasValue:
    target: Target


@dataclass(frozen=True)
class ContainsToken:
    """A lower-cased glob (`*` wildcards) that must match the whole value or one of its tokens."""

    target: Target
    pattern: str


@dataclass(frozen=True)
class Associated:
    """Associated with any of `ids` of type `to_type_id` (any record of that type when ids is None)."""

    to_type_id: str
    ids: tuple[int, ...] | None


@dataclass(frozen=True)
class FullText:
    """Every token is a prefix of a token of one of the type's searchable properties."""

    names: tuple[str, ...]
    tokens: tuple[str, ...]
    # The SQLite full-text index covers the catalogue's types; portal-defined types are scanned.
    indexed: bool = True


@dataclass(frozen=True)
class Not:
    """The negation; a record the inner condition cannot judge (no value) matches."""

    condition: Condition


@dataclass(frozen=True)
class Nothing:
    pass


Condition = Compare | OneOf | HasValue | ContainsToken | Associated | FullText | Not | Nothing


@dataclass(frozen=True)
class Sort:
    target: Target
    descending: bool


_OPERATORS = frozenset({"=", "<", "<=", ">", ">="})


def like_literal(text: str) -> str:
    """`text` with LIKE's wildcards (and the escape character) escaped."""
    return text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")


def glob_to_like(pattern: str) -> str:
    return "%".join(like_literal(part) for part in pattern.split("*"))


def tokens_of(text: str) -> list[str]:
    """Words of a value: runs of letters and digits, lower-cased (what the SQLite FTS tokenizer sees)."""
    return [token for token in _TOKEN_SPLIT.split(text.lower()) if token]


@functools.lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


def contains_token(value: Any, pattern: str | None) -> bool | None:
    """CONTAINS_TOKEN for SQLite (registered as an SQL function); PostgreSQL does the same in SQL."""
    if value is None or pattern is None:
        return None
    regex = _glob_regex(pattern)
    lowered = str(value).lower()
    return bool(regex.fullmatch(lowered)) or any(regex.fullmatch(token) for token in tokens_of(lowered))


def starts_words(text: Any, prefixes: str | None) -> bool | None:
    """`query` without the full-text index (SQLite function): every prefix (space-separated) starts a word."""
    if text is None or prefixes is None:
        return None
    words = tokens_of(str(text))
    return all(any(word.startswith(prefix) for word in words) for prefix in prefixes.split())


def scope_prefix(portal_id: int, object_type_id: str) -> str:
    """What every word of a record is filed under in the SQLite full-text index: its portal and type
    (`p1t0x27x` + `call`). A query's words then read only their own scope's postings; the grammar
    p<digits>t<digits>x<digits>x<word> cannot make two scopes' words meet."""
    return f"p{portal_id}t{object_type_id.replace('-', 'x')}x"


def full_text_body(portal_id: int, object_type_id: str, text: str | None) -> str:
    prefix = scope_prefix(portal_id, object_type_id)
    return " ".join(prefix + word for word in tokens_of(text or ""))


def value_sql(dialect_name: str, target: Target, alias: str = "r.") -> str:
    """The SQL expression of a target, identical in queries and in the index definitions (migration)."""
    if target.kind == COLUMN:
        return f"{alias}{target.name}"
    if not SAFE_NAME.match(target.name):
        raise ValueError(f"unsafe property name {target.name!r}")
    if dialect_name == "postgresql":
        raw = f"({alias}properties ->> '{target.name}')"
        number = f"CAST({raw} AS DOUBLE PRECISION)"
    else:
        raw = f"json_extract({alias}properties, '$.\"{target.name}\"')"
        number = f"CAST({raw} AS REAL)"
    if target.kind == NUMBER:
        return number
    if target.kind == TEXT:
        return f"lower({raw})"
    return raw


class _Builder:
    """Accumulates one statement's WHERE text and its parameters.

    `keyed`: the targets whose values `r` holds (in `key_column`s) when it is SEARCH_ROWS; None when `r` is
    `records` itself. Any other property is read from `records d`, and `joins_records` then says the
    statement must join it."""

    def __init__(
        self,
        dialect_name: str,
        fts_match: Callable[[Sequence[str]], str],
        keyed: frozenset[Target] | None = None,
    ) -> None:
        self.dialect = dialect_name
        self.fts_match = fts_match
        self.keyed = keyed
        self.joins_records = False
        self.params: list[Any] = []

    def value(self, target: Target) -> str:
        if self.keyed is None or target.kind == COLUMN:
            return value_sql(self.dialect, target)
        if target in self.keyed:
            return f"r.{key_column(target.name)}"
        self.joins_records = True
        return value_sql(self.dialect, target, alias="d.")

    def order(self, sort: Sort | None) -> str:
        if sort is None:
            return "r.id"
        direction = " DESC" if sort.descending else ""
        expression = self.value(sort.target)
        if self.dialect == "postgresql" and sort.target.kind != COLUMN:
            # Records without the value sort as the smallest, as SQLite orders NULL.
            direction += " NULLS LAST" if sort.descending else " NULLS FIRST"
        return f"{expression}{direction}, r.id{' DESC' if sort.descending else ''}"

    def groups(self, groups: Sequence[Sequence[Condition]]) -> str:
        ored = []
        for group in groups:
            anded = [self.condition(c) for c in group]
            ored.append("(" + " AND ".join(anded) + ")" if anded else "(1 = 1)")
        return "(" + " OR ".join(ored) + ")"

    def condition(self, condition: Condition) -> str:
        match condition:
            case Compare(target, op, value):
                return self._compare(target, op, value)
            case OneOf(target, values):
                if not values:
                    return "(1 = 0)"
                if target.kind == MULTI:
                    return "(" + " OR ".join(self._compare(target, "=", v) for v in values) + ")"
                self.params.extend(values)
                return f"({self.value(target)} IN ({placeholders(len(values))}))"
            case HasValue(target):
                return f"({self.value(target)} IS NOT NULL)"
            case ContainsToken(target, pattern):
                return self._contains_token(target, pattern)
            case Associated(to_type_id, ids):
                if ids is not None and not ids:
                    return "(1 = 0)"
                self.params.append(to_type_id)
                sql = (
                    "EXISTS (SELECT 1 FROM associations a WHERE a.portal_id = r.portal_id "
                    "AND a.from_id = r.id AND a.to_type = ?"
                )
                if ids is not None:
                    self.params.extend(ids)
                    sql += f" AND a.to_id IN ({placeholders(len(ids))})"
                return sql + ")"
            case FullText(names, tokens, indexed):
                return self._full_text(names, tokens, indexed)
            case Not(inner):
                return f"(NOT COALESCE({self.condition(inner)}, FALSE))"
            case Nothing():
                return "(1 = 0)"
        raise TypeError(f"unknown condition {condition!r}")

    def _compare(self, target: Target, op: str, value: Any) -> str:
        if op not in _OPERATORS:
            raise ValueError(f"unknown operator {op!r}")
        expression = self.value(target)
        if target.kind == MULTI and op == "=":
            self.params.extend([f"%;{like_literal(str(value))};%", LIKE_ESCAPE])
            return f"(';' || {expression} || ';' LIKE ? ESCAPE ?)"
        self.params.append(value)
        return f"({expression} {op} ?)"

    def _contains_token(self, target: Target, pattern: str) -> str:
        expression = self.value(target)
        if self.dialect != "postgresql":
            self.params.append(pattern)
            return f"localspot_contains_token({expression}, ?)"
        like = glob_to_like(pattern)
        self.params.extend([like, LIKE_ESCAPE, like, LIKE_ESCAPE])
        return (
            f"(lower({expression}) LIKE ? ESCAPE ? OR EXISTS (SELECT 1 FROM "
            f"regexp_split_to_table(lower({expression}), '[^[:alnum:]]+') AS t(token) WHERE t.token LIKE ? ESCAPE ?))"
        )

    def _full_text(self, names: Sequence[str], tokens: Sequence[str], indexed: bool) -> str:
        if not names:
            return "(1 = 0)"
        if self.dialect != "postgresql" and indexed:
            self.params.append(self.fts_match(tokens))
            return "(r.id IN (SELECT rowid FROM record_search WHERE record_search MATCH ?))"
        text = " || ' ' || ".join(f"coalesce({self.value(Target(n, EXACT))}, '')" for n in names)
        if self.dialect != "postgresql":
            self.params.append(" ".join(tokens))
            return f"localspot_starts_words({text}, ?)"
        clauses = []
        for token in tokens:
            self.params.extend([like_literal(token) + "%", LIKE_ESCAPE])
            clauses.append(
                f"EXISTS (SELECT 1 FROM regexp_split_to_table(lower({text}), '[^[:alnum:]]+') AS t(token) "
                "WHERE t.token LIKE ? ESCAPE ?)"
            )
        return "(" + " AND ".join(clauses) + ")"


# Counts remembered per SQLite connection, valid while (data_version: commits by other connections,
# total_changes: this connection's own writes) stays the same.
MAX_CACHED_COUNTS = 256
# Keyed by id(connection); the entry holds the connection itself, so that id is never reused meanwhile.
_COUNTS: dict[int, tuple[Any, tuple[int, int], dict[tuple[str, tuple[Any, ...]], int]]] = {}

# A query word that starts at most this many indexed words is matched as those words (streamed by FTS5);
# beyond, as an FTS5 prefix query (which materialises every matching posting first).
MAX_EXPANDED_TERMS = 64


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class SearchQueries(QueryBase):
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
    ) -> tuple[int, list[RecordRow]]:
        """(total, the page of live records) matching any group (all conditions of a group).

        `keyed`: the type's targets with search indexes (SQLite reads those from SEARCH_ROWS, which
        `catch_up_search` must have brought up to date)."""
        dialect = self.dialect.name
        AssociationQueries.settle_associations(self)  # type: ignore[arg-type]  # `associations.X` filters read them

        def fts_match(tokens: Sequence[str]) -> str:
            return self._fts_match(portal_id, object_type_id, tokens)

        keys = frozenset(keyed) & _targets(groups, sort) if dialect == "sqlite" else frozenset()
        # SEARCH_ROWS only when a filter or the sort reads an indexed property; otherwise the records alone.
        searched = SEARCH_ROWS if keys else "records"
        builder = _Builder(dialect, fts_match, frozenset(keyed) if keys else None)
        type_sql = f"'{object_type_id}'" if SAFE_TYPE_ID.match(object_type_id) else "?"
        where = f"r.portal_id = ? AND r.object_type_id = {type_sql} AND r.archived = ?"
        head: list[Any] = [portal_id] + ([] if type_sql != "?" else [object_type_id]) + [False]
        if groups:
            where += " AND " + builder.groups(groups)
        order = builder.order(sort)
        params = head + builder.params
        source = f"{searched} r" + (" JOIN records d ON d.id = r.id" if builder.joins_records else "")
        full_text = self._indexed_query_alone(groups)
        if full_text is not None:
            # The full-text index holds exactly the live records of each portal and type (caught up before
            # any search): a query alone is counted, and paged in creation order, there, without visiting
            # every matching record row.
            match = fts_match(full_text.tokens)
            total = self._count("SELECT count(*) FROM record_search WHERE record_search MATCH ?", [match])
            if sort is None:
                page = self.fetchall(
                    "SELECT rowid FROM record_search WHERE record_search MATCH ? ORDER BY rowid LIMIT ? OFFSET ?",
                    (match, limit, offset),
                )
                return total, self._records_in_order(portal_id, object_type_id, [row[0] for row in page])
        else:
            total = self._count(f"SELECT count(*) FROM {source} WHERE {where}", params)
        if total <= offset:
            return total, []
        if searched == "records":
            rows = self.fetchall(
                f"SELECT {RECORD_COLUMNS} FROM {source} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
            return total, [RecordQueries._record(self, row) for row in rows]  # type: ignore[arg-type]
        page = self.fetchall(
            f"SELECT r.id FROM {source} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?", [*params, limit, offset]
        )
        return total, self._records_in_order(portal_id, object_type_id, [row[0] for row in page])

    def _records_in_order(self, portal_id: int, object_type_id: str, ids: list[int]) -> list[RecordRow]:
        found = RecordQueries.fetch_records(self, portal_id, object_type_id, ids)  # type: ignore[arg-type]
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

    def _count(self, query: str, params: Sequence[Any]) -> int:
        """An exact count, remembered (SQLite) until anything in the database changes: paging through a
        large result, or repeating a search, then costs no second scan of every match."""
        if self.dialect.name != "sqlite":
            return self.fetchone(query, params)[0]
        connection = self.cursor.connection
        version = (self.fetchone("PRAGMA data_version")[0], connection.total_changes)
        cached = _COUNTS.get(id(connection))
        if cached is None or cached[0] is not connection or cached[1] != version:
            cached = _COUNTS[id(connection)] = (connection, version, {})
        counts = cached[2]
        key = (query, tuple(params))
        total = counts.get(key)
        if total is None:
            total = self.fetchone(query, params)[0]
            if len(counts) >= MAX_CACHED_COUNTS:
                counts.clear()
            counts[key] = total
        return total

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

    def catch_up_search(self, keyed: Mapping[str, Sequence[Target]], chunk: int = 5000) -> None:
        """Brings SEARCH_ROWS and the full-text index up to date with every record write (revisions 0004
        and 0011). `keyed`: object type id -> its targets with search indexes. Runs in a write session.

        Archived and deleted records simply leave both. One sorted pass over many writes costs far less
        than keeping the indexes at each write."""
        newest = self.fetchone("SELECT COALESCE(MAX(id), 0) FROM records")[0]
        indexed_through = self.fetchone("SELECT indexed_through FROM search_state")[0]
        if newest > indexed_through:
            self.execute(
                "INSERT OR IGNORE INTO search_pending (portal_id, record_id) SELECT portal_id, id FROM records "
                "WHERE id > ?",
                (indexed_through,),
            )
            self.execute("UPDATE search_state SET indexed_through = ?", (newest,))
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
        self.execute("DELETE FROM search_pending")

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


def _search_index_targets(object_types: Sequence[ObjectType]) -> list[tuple[ObjectType, tuple[str, ...], list[Target]]]:
    """Each type's catalogue `search_indexes` whose names all resolve (and whose type id is safe to inline)."""
    found = []
    for object_type in object_types:
        for names in object_type.search_indexes:
            targets = [target_for(object_type, name) for name in names]
            if all(t is not None for t in targets) and SAFE_TYPE_ID.match(object_type.object_type_id):
                found.append((object_type, names, [t for t in targets if t is not None]))
    return found


def _index_name(object_type: ObjectType, names: Sequence[str]) -> str:
    return f"search_{object_type.object_type_id.replace('-', '_')}_{'_'.join(names)}"


def _index_statement(object_type: ObjectType, names: Sequence[str], table: str, columns: str) -> str:
    return (
        f"CREATE INDEX IF NOT EXISTS {_index_name(object_type, names)} ON {table} ({columns}) "
        f"WHERE object_type_id = '{object_type.object_type_id}'"
    )


def _targets(groups: Sequence[Sequence[Condition]], sort: Sort | None) -> frozenset[Target]:
    """Every target the conditions and the sort read."""
    found: set[Target] = {sort.target} if sort is not None else set()
    pending: list[Condition] = [condition for group in groups for condition in group]
    while pending:
        condition = pending.pop()
        if isinstance(condition, Not):
            pending.append(condition.condition)
        elif isinstance(condition, FullText):
            found.update(Target(name, EXACT) for name in condition.names)
        elif isinstance(condition, Compare | OneOf | HasValue | ContainsToken):
            found.add(condition.target)
    return frozenset(found)


def index_statements(dialect_name: str, object_types: Sequence[ObjectType]) -> list[str]:
    """CREATE INDEX statements on `records` for each type's catalogue `search_indexes`: PostgreSQL's, and
    SQLite's before revision 0011 moved them to SEARCH_ROWS (migrations call this)."""
    return [
        _index_statement(
            t,
            names,
            "records",
            "portal_id, archived, " + ", ".join(value_sql(dialect_name, x, alias="") for x in targets),
        )
        for t, names, targets in _search_index_targets(object_types)
    ]


def index_names(object_types: Sequence[ObjectType]) -> list[str]:
    """The names `index_statements` (and `search_rows_statements`) give their indexes."""
    return [_index_name(t, names) for t, names, _ in _search_index_targets(object_types)]


def keyed_targets(object_type: ObjectType) -> tuple[Target, ...]:
    """The property targets SEARCH_ROWS holds for the type: those of its search indexes."""
    targets = (target_for(object_type, name) for name in object_type.search_keyed_properties)
    return tuple(t for t in targets if t is not None and t.kind != COLUMN)


def search_rows_statements(object_types: Sequence[ObjectType]) -> list[str]:
    """SQLite: SEARCH_ROWS, a key column for every indexed property of the catalogue, and each search index
    on those columns (revision 0011). Plain columns, and the type id as a column although each index is
    partial on it, keep the indexes covering: a count reads no row."""
    names = sorted({t.name for object_type in object_types for t in keyed_targets(object_type)})
    columns = "".join(f", {key_column(name)}" for name in names)
    statements = [
        f"CREATE TABLE {SEARCH_ROWS} (id INTEGER PRIMARY KEY, portal_id INTEGER NOT NULL, "
        "object_type_id TEXT NOT NULL, archived INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, "
        f"updated_at INTEGER NOT NULL{columns})"
    ]
    for object_type, index_names, targets in _search_index_targets(object_types):
        keys = ", ".join(t.name if t.kind == COLUMN else key_column(t.name) for t in targets)
        statements.append(
            _index_statement(object_type, index_names, SEARCH_ROWS, f"portal_id, object_type_id, archived, {keys}")
        )
    return statements


# Names HubSpot clients use for the created/modified/id trio whatever the type calls them.
_SYSTEM_ALIASES = {
    "createdate": "created_at",
    "hs_createdate": "created_at",
    "lastmodifieddate": "updated_at",
    "hs_lastmodifieddate": "updated_at",
    "hs_object_id": "id",
}


def target_for(object_type: ObjectType, name: str) -> Target | None:
    """How search reads property `name` of this type; None for a property the type does not have."""
    prop = object_type.properties.get(name)
    if prop is None or prop.archived:
        column = _SYSTEM_ALIASES.get(name)
        return Target(column, COLUMN) if column else None
    if prop.column:
        return Target(prop.column, COLUMN)
    if not SAFE_NAME.match(name):
        return None
    if prop.type == "number":
        return Target(name, NUMBER)
    if prop.is_multi_select:
        return Target(name, MULTI)
    if prop.type in ("enumeration", "bool", "date", "datetime"):
        return Target(name, EXACT)
    return Target(name, TEXT)
