"""What the inspector's record pages show, read through the CRM areas' services as an admin of the portal
(every scope): a page of records of a type (localspot's own search when filtered or sorted, keyset listing
otherwise, so an unfiltered type pages through any number of records), and one record with every property's
history and its associations grouped by type and label."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from localspot.crm.associations.service import AssociationService
from localspot.crm.objects.reads import ReadOptions, RecordReads
from localspot.crm.search.service import SearchFilter, SearchFilterGroup, SearchRequest, SearchService, SortRule
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.schema_cache import SchemaCache
from localspot.kernel.schema import ObjectType
from localspot.kernel.storage import Database
from localspot.kernel.storage.portals import ALL_SCOPES

PAGE_SIZE = 100
MAX_COLUMNS = 20
ASSOCIATIONS_PER_TYPE = 100
# `name=value`, `name!=value`, `name>value`, `name>=value`, `name<value`, `name<=value`, `name~word`
# (CONTAINS_TOKEN), `name=*` (HAS_PROPERTY), `name!=*` (NOT_HAS_PROPERTY); any other word is `query` text.
FILTER = re.compile(r"^([A-Za-z0-9_]+)(!=|>=|<=|=|>|<|~)(.*)$", re.DOTALL)
OPERATORS = {"=": "EQ", "!=": "NEQ", ">": "GT", ">=": "GTE", "<": "LT", "<=": "LTE", "~": "CONTAINS_TOKEN"}


def admin_of(portal_id: int) -> Principal:
    return Principal(portal_id, frozenset({ALL_SCOPES}))


@dataclass
class Filter:
    """The filter box's text, split into search filters on known properties and free `query` text."""

    filters: list[SearchFilter] = field(default_factory=list)
    words: list[str] = field(default_factory=list)

    @property
    def query(self) -> str | None:
        return " ".join(self.words) or None


def parse_filter(text: str, object_type: ObjectType) -> Filter:
    try:
        tokens = shlex.split(text)
    except ValueError:
        tokens = text.split()
    parsed = Filter()
    for token in tokens:
        found = FILTER.match(token)
        if found is None or found.group(1) not in object_type.properties:
            parsed.words.append(token)
            continue
        name, operator, value = found.groups()
        if value == "*" and operator in ("=", "!="):
            parsed.filters.append(SearchFilter(name, "HAS_PROPERTY" if operator == "=" else "NOT_HAS_PROPERTY"))
        else:
            parsed.filters.append(SearchFilter(name, OPERATORS[operator], value))
    return parsed


@dataclass(frozen=True)
class PageRequest:
    type_name: str
    columns: tuple[str, ...] = ()
    sort: str | None = None
    descending: bool = False
    filter_text: str = ""
    after: str | None = None


class RecordViews:
    def __init__(
        self,
        database: Database,
        schemas: SchemaCache,
        reads: RecordReads,
        search: SearchService,
        associations: AssociationService,
    ) -> None:
        self.database = database
        self.schemas = schemas
        self.reads = reads
        self.search = search
        self.associations = associations

    def object_types(self, portal_id: int) -> list[ObjectType]:
        with self.database.session(write=False) as session:
            schema = self.schemas.load(session, portal_id)
        return sorted(schema.types.values(), key=lambda t: (t.custom, t.name))

    def object_type(self, portal_id: int, type_name: str) -> ObjectType:
        with self.database.session(write=False) as session:
            return self.schemas.load(session, portal_id).resolve(type_name)

    def page(self, portal_id: int, request: PageRequest) -> dict[str, Any]:
        """A page of records: `results`, `columns`, `total` (None when unfiltered), `next` (the `after` of the
        next page or None), and the parsed `query` text."""
        object_type = self.object_type(portal_id, request.type_name)
        columns = [c for c in dict.fromkeys(request.columns) if c in object_type.properties][:MAX_COLUMNS]
        if not columns:
            columns = [c for c in object_type.default_properties if c != object_type.id_property]
        principal = admin_of(portal_id)
        parsed = parse_filter(request.filter_text, object_type)
        sort = request.sort if request.sort in object_type.properties else None
        if not parsed.filters and parsed.query is None and sort is None:
            listed = self.reads.list(
                principal, object_type.name, ReadOptions(properties=columns), limit=PAGE_SIZE, after=request.after
            )
            total = None
            found = listed
        else:
            search = SearchRequest(
                filter_groups=[SearchFilterGroup(parsed.filters)] if parsed.filters else None,
                sorts=[SortRule(sort, "DESCENDING" if request.descending else "ASCENDING")] if sort else None,
                query=parsed.query,
                properties=columns,
                limit=PAGE_SIZE,
                after=request.after,
            )
            found = self.search.search(principal, object_type.name, search)
            total = found["total"]
        next_after = found.get("paging", {}).get("next", {}).get("after")
        return {
            "object_type": object_type,
            "columns": columns,
            "sort": sort,
            "results": found["results"],
            "total": total,
            "next": next_after,
            "searched": total is not None,
        }

    def record(self, portal_id: int, type_name: str, record_id: str) -> dict[str, Any]:
        """The record with every property's history (newest first), and its associations: a list of
        (object type, [(label, [record ids])])."""
        object_type = self.object_type(portal_id, type_name)
        principal = admin_of(portal_id)
        names = sorted(object_type.properties)
        record = self.reads.get(principal, object_type.name, record_id, ReadOptions(properties=names, history=names))
        histories = record.get("propertiesWithHistory", {})
        properties = [
            {
                "name": name,
                "label": object_type.properties[name].label,
                "value": record["properties"].get(name),
                "history": histories.get(name, []),
            }
            for name in names
        ]
        return {
            "object_type": object_type,
            "record": record,
            "filled": [p for p in properties if p["value"] not in (None, "")],
            "empty": [p["name"] for p in properties if p["value"] in (None, "")],
            "associations": self._associations(portal_id, object_type, record["id"]),
        }

    def _associations(self, portal_id: int, object_type: ObjectType, record_id: str) -> list[dict[str, Any]]:
        principal = admin_of(portal_id)
        with self.database.session(write=False) as session:
            schema = self.schemas.load(session, portal_id)
        groups = []
        for other in sorted(schema.types.values(), key=lambda t: t.name):
            if not schema.association_types(object_type.object_type_id, other.object_type_id):
                continue
            listed = self.associations.list(
                principal, object_type.name, record_id, other.name, after=None, limit=ASSOCIATIONS_PER_TYPE
            )
            by_label: dict[str, list[str]] = {}
            for result in listed["results"]:
                for entry in result["associationTypes"]:
                    label = entry["label"] or ("(unlabeled)" if entry["category"] == "HUBSPOT_DEFINED" else "")
                    by_label.setdefault(label or f"type {entry['typeId']}", []).append(str(result["toObjectId"]))
            if by_label:
                groups.append(
                    {
                        "type": other,
                        "labels": sorted(by_label.items()),
                        "more": "paging" in listed,
                    }
                )
        return groups
