"""Search conditions, as the search service builds them and the queries turn them into SQL, and the word
rules search and its SQLite functions share."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from localspot.kernel.storage.search_index import EXACT, Target

LIKE_ESCAPE = "!"


_TOKEN_SPLIT = re.compile(r"[\W_]+")


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


def read_targets(groups: Sequence[Sequence[Condition]], sort: Sort | None) -> frozenset[Target]:
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
