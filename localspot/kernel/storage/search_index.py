"""How a property value is indexed for search: the SQL expression of each target, shared by the search
indexes the migrations create and the search queries that must use the very same expression to be served by
them, and the index definitions derived from the object types' `search_indexes`.

Property names are inlined only when they match `SAFE_NAME`; object type ids only when they match
`SAFE_TYPE_ID`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from localspot.kernel.schema.model import ObjectType

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


# How a value is compared: numerically, case-insensitively, exactly, as a `;`-separated option set, or
# as the integer of a record column (id, created, modified).
NUMBER, TEXT, EXACT, MULTI, COLUMN = "number", "text", "exact", "multi", "column"


@dataclass(frozen=True)
class Target:
    """What a filter or a sort reads: a property (by its checked name) or a record column."""

    name: str
    kind: str


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
