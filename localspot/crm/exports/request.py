"""The body of `POST /crm/v3/exports/export/async` (HubSpot's PublicExportRequest, in the forms its clients and
guide send: top-level `filters` or `filterGroups`, a filter's property as `propertyName` or `property`, one
associated type as a string or several as a list), checked against the portal's schema."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from localspot.crm.exports import errors
from localspot.crm.search.service import Scalar, SearchFilter
from localspot.kernel.schema import ObjectType, PortalSchema

EXPORT_TYPES = ("VIEW", "LIST")
FORMATS = ("CSV", "XLSX")
MAX_ASSOCIATED_TYPES = 4
MAX_PROPERTIES = 1000


class ExportFilter(msgspec.Struct, rename="camel"):
    property_name: str | None = None
    property: str | None = None
    operator: str = "EQ"
    value: Scalar | None = None
    high_value: Scalar | None = None
    values: list[Scalar] | None = None


class ExportFilterGroup(msgspec.Struct):
    filters: list[ExportFilter] = []


class ExportSearch(msgspec.Struct, rename="camel"):
    filter_groups: list[ExportFilterGroup] = []
    filters: list[ExportFilter] = []
    sorts: list[object] = []
    query: str | None = None


class ExportRequest(msgspec.Struct, rename="camel"):
    object_type: str
    object_properties: list[str]
    format: str = "CSV"
    export_type: str = "VIEW"
    export_name: str | None = None
    language: str | None = None
    associated_object_type: list[str] | str | None = None
    include_primary_display_property_for_associated_objects: bool | None = None
    include_labeled_associations: bool = False
    export_internal_values_options: list[str] = []
    override_associated_objects_per_definition_per_row_limit: bool = False
    public_crm_search_request: ExportSearch | None = None
    list_id: str | int | None = None


@dataclass(frozen=True)
class ExportPlan:
    export_type: str
    file_format: str
    object_type_id: str
    properties: tuple[str, ...]
    associated_type_ids: tuple[str, ...]
    groups: tuple[tuple[SearchFilter, ...], ...]
    list_id: str | None
    internal_names: bool
    internal_values: bool
    name: str | None


def plan(request: ExportRequest, schema: PortalSchema) -> ExportPlan:
    export_type = request.export_type.upper()
    if export_type not in EXPORT_TYPES:
        raise errors.invalid_export("exportType must be VIEW or LIST.")
    file_format = request.format.upper()
    if file_format not in FORMATS:
        raise errors.invalid_export(f"format must be one of {', '.join(FORMATS)} (localspot writes no XLS files).")
    object_type = _type(schema, request.object_type)
    if not request.object_properties or len(request.object_properties) > MAX_PROPERTIES:
        raise errors.invalid_export(f"objectProperties must name 1 to {MAX_PROPERTIES} properties.")
    unknown = [name for name in request.object_properties if name not in object_type.properties]
    if unknown:
        raise errors.invalid_export(f"{object_type.object_type_id} has no property {unknown[0][:100]!r}.")
    associated = request.associated_object_type or []
    associated = [associated] if isinstance(associated, str) else associated
    if len(associated) > MAX_ASSOCIATED_TYPES:
        raise errors.invalid_export(f"associatedObjectType names at most {MAX_ASSOCIATED_TYPES} object types.")
    if export_type == "LIST" and request.list_id in (None, ""):
        raise errors.invalid_export("A LIST export needs the listId of the list to export.")
    search = request.public_crm_search_request
    if search is not None and search.query:
        raise errors.invalid_export(
            "publicCrmSearchRequest.query is not supported by localspot's exports: use filters."
        )
    options = {option.upper() for option in request.export_internal_values_options}
    return ExportPlan(
        export_type=export_type,
        file_format=file_format,
        object_type_id=object_type.object_type_id,
        properties=tuple(dict.fromkeys(["hs_object_id", *request.object_properties])),
        associated_type_ids=tuple(_type(schema, name).object_type_id for name in associated),
        groups=_groups(search) if export_type == "VIEW" and search is not None else (),
        list_id=str(request.list_id) if export_type == "LIST" else None,
        internal_names="NAMES" in options,
        internal_values="VALUES" in options,
        name=request.export_name,
    )


def _groups(search: ExportSearch) -> tuple[tuple[SearchFilter, ...], ...]:
    groups = [group.filters for group in search.filter_groups if group.filters]
    if search.filters:
        groups.append(search.filters)
    return tuple(tuple(_filter(f) for f in group) for group in groups)


def _filter(given: ExportFilter) -> SearchFilter:
    name = given.property_name or given.property
    if not name:
        raise errors.invalid_export("Each filter names its propertyName.")
    return SearchFilter(name, given.operator, given.value, given.high_value, given.values)


def _type(schema: PortalSchema, key: str) -> ObjectType:
    found = schema.find(key) or schema.find(key.lower()) or _by_error_name(schema, key)
    if found is None:
        raise errors.invalid_export(f"Unknown object type {key[:60]!r}.")
    return found


def _by_error_name(schema: PortalSchema, key: str) -> ObjectType | None:
    # HubSpot's exports name standard types in upper-case singular: CONTACT, LINE_ITEM.
    return next((t for t in schema.types.values() if t.error_name == key.upper()), None)
