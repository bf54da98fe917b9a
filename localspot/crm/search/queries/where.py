"""One search statement's WHERE and ORDER BY text, with its bound parameters, from the conditions.

Nothing from a request reaches SQL text: values are bound parameters; property names and type ids are
inlined only as `search_index` allows. LIKE patterns and their escape character are bound too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from localspot.crm.search.conditions import (
    LIKE_ESCAPE,
    Associated,
    Compare,
    Condition,
    ContainsToken,
    FullText,
    HasValue,
    Not,
    Nothing,
    OneOf,
    Sort,
    glob_to_like,
    like_literal,
)
from localspot.kernel.storage.search_index import COLUMN, EXACT, MULTI, Target, key_column, value_sql
from localspot.kernel.storage.session import placeholders

_OPERATORS = frozenset({"=", "<", "<=", ">", ">="})


class WhereBuilder:
    """Accumulates one statement's WHERE text and its parameters.

    `keyed`: the targets whose values `r` holds (in `key_column`s) when it is SEARCH_ROWS; None when `r` is
    `records` itself. Any other property is read from `records d`, and `joins_records` then says the
    statement must join it; `reads_associations` and `reads_full_text` say it reads those indexes too.
    `portal_id` and `object_type_id` are the search's own (association filters start from the other side)."""

    def __init__(
        self,
        dialect_name: str,
        fts_match: Callable[[Sequence[str]], str],
        keyed: frozenset[Target] | None = None,
        *,
        portal_id: int = 0,
        object_type_id: str = "",
    ) -> None:
        self.dialect = dialect_name
        self.portal_id = portal_id
        self.object_type_id = object_type_id
        self.fts_match = fts_match
        self.keyed = keyed
        self.joins_records = False
        self.reads_associations = False
        self.reads_full_text = False
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
            case Associated(to_type_id, None):
                self.reads_associations = True
                self.params.append(to_type_id)
                return (
                    "EXISTS (SELECT 1 FROM associations a WHERE a.portal_id = r.portal_id "
                    "AND a.from_id = r.id AND a.to_type = ?)"
                )
            case Associated(_, ()):
                return "(1 = 0)"
            case Associated(to_type_id, ids):
                self.reads_associations = True
                return self._associated_with(to_type_id, ids)
            case FullText(names, tokens, indexed):
                return self._full_text(names, tokens, indexed)
            case Not(inner):
                return f"(NOT COALESCE({self.condition(inner)}, FALSE))"
            case Nothing():
                return "(1 = 0)"
        raise TypeError(f"unknown condition {condition!r}")

    def _associated_with(self, to_type_id: str, ids: Sequence[int]) -> str:
        """Records associated with one of `ids`, found from the other side: each association is stored in
        both directions, and the inverse rows of `ids` are one primary-key range each (portal_id, from_id,
        to_type). A semi join from every searched record instead rescans the associations per record
        whenever PostgreSQL's planner lacks statistics (seconds for thousands of tasks before an ANALYZE).
        On PostgreSQL the ids are gathered once (ARRAY(...), an init plan) and the records fetched by their
        own primary key, a plan that no statistics change; SQLite plans `IN (SELECT ...)` that way itself."""
        self.params.extend([self.portal_id, *ids, self.object_type_id, to_type_id])
        inverse = (
            "SELECT a.to_id FROM associations a WHERE a.portal_id = ? "
            f"AND a.from_id IN ({placeholders(len(ids))}) AND a.to_type = ? AND a.from_type = ?"
        )
        if self.dialect == "postgresql":
            return f"(r.id = ANY(ARRAY({inverse})))"
        return f"(r.id IN ({inverse}))"

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
            self.reads_full_text = True
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


def associated_source(
    portal_id: int, object_type_id: str, groups: Sequence[Sequence[Condition]]
) -> tuple[str, list[Any], list[list[Condition]]] | None:
    """PostgreSQL: for one group that holds an association filter with ids, the FROM clause that reaches the
    records through those associations, its parameters, and the groups left to filter in WHERE.

    In WHERE, even as `r.id = ANY(ARRAY(...))`, the filter lets a planner without statistics take
    `r.portal_id = ? AND r.archived = ?` for selective and walk every record of the type on a search
    index's prefix, dropping all but the associated ones (170 ms for 1,000 tasks of a contact among 50,000).
    As the source, the inverse rows (one primary-key range per id) drive one probe of the records' key per
    associated id, from a LATERAL subquery with LIMIT 1 that the planner cannot turn into a join."""
    if len(groups) != 1:
        return None
    group = list(groups[0])
    found = next((c for c in group if isinstance(c, Associated) and c.ids), None)
    if found is None:
        return None
    ids = found.ids or ()
    source = (
        "(SELECT DISTINCT a.to_id FROM associations a WHERE a.portal_id = ? "
        f"AND a.from_id IN ({placeholders(len(ids))}) AND a.to_type = ? AND a.from_type = ?) k(id) "
        "CROSS JOIN LATERAL (SELECT * FROM records q WHERE q.portal_id = ? AND q.id = k.id LIMIT 1) r"
    )
    left = [c for c in group if c is not found]
    return source, [portal_id, *ids, object_type_id, found.to_type_id, portal_id], [left] if left else []
