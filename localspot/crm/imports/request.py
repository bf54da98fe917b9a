"""The `importRequest` JSON of `POST /crm/v3/imports` (HubSpot's guide: the spec types it as a bare string),
and its check against the portal's schema before anything is stored: each file's column mappings name object
types and properties that exist, one identifier column at most per file, operations HubSpot knows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from localspot.crm.imports import errors
from localspot.kernel.schema import ObjectType, PortalSchema

OPERATIONS = ("CREATE", "UPDATE", "UPSERT")
DATE_FORMATS = ("MONTH_DAY_YEAR", "DAY_MONTH_YEAR", "YEAR_MONTH_DAY")
FILE_FORMATS = ("CSV", "SPREADSHEET")
OBJECT_ID = "HUBSPOT_OBJECT_ID"
ALTERNATE_ID = "HUBSPOT_ALTERNATE_ID"
COLUMN_TYPES = (OBJECT_ID, ALTERNATE_ID, "STANDARD", "FLEXIBLE_ASSOCIATION_LABEL", "ASSOCIATION_KEYS")
MAX_COLUMNS = 1000


class ForeignKey(msgspec.Struct, rename="camel"):
    association_type_id: int
    association_category: str = "HUBSPOT_DEFINED"


class ColumnMapping(msgspec.Struct, rename="camel"):
    column_name: str
    column_object_type_id: str | None = None
    property_name: str | None = None
    column_type: str | None = None
    id_column_type: str | None = None
    to_column_object_type_id: str | None = None
    foreign_key_type: ForeignKey | None = None
    association_identifier_column: bool = False
    # The legacy spelling in HubSpot's older examples.
    column_object_type: str | None = None
    ignored: bool = False


class FileImportPage(msgspec.Struct, rename="camel"):
    column_mappings: list[ColumnMapping]
    has_header: bool = True


class ImportFile(msgspec.Struct, rename="camel"):
    file_name: str
    file_import_page: FileImportPage
    file_format: str = "CSV"


class ImportRequest(msgspec.Struct, rename="camel"):
    files: list[ImportFile]
    name: str | None = None
    import_operations: dict[str, str] = {}
    date_format: str = "MONTH_DAY_YEAR"
    time_zone: str | None = None
    marketable_contact_import: bool = False
    create_contact_list_from_import: bool = False


@dataclass(frozen=True)
class Column:
    """One mapped column as the importer uses it."""

    position: int
    name: str
    property_name: str | None
    kind: str  # OBJECT_ID / ALTERNATE_ID (the row's own record), ASSOCIATION (another record's id), STANDARD
    to_type_id: str | None = None
    association_type_id: int | None = None
    association_category: str = "HUBSPOT_DEFINED"
    # An association column's values name the other record by this unique property (None: by record id).
    key_property: str | None = None


@dataclass(frozen=True)
class FilePlan:
    """What one file of an import writes: records of one object type, by these columns."""

    file_name: str
    file_format: str
    has_header: bool
    object_type_id: str
    operation: str
    columns: tuple[Column, ...]

    @property
    def identifier(self) -> Column | None:
        return next((c for c in self.columns if c.kind in (OBJECT_ID, ALTERNATE_ID)), None)


def decode_request(raw: str | bytes) -> ImportRequest:
    try:
        return msgspec.json.decode(raw, type=ImportRequest)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise errors.invalid_import(f"importRequest is not a valid import request: {exc}") from None


def plan(request: ImportRequest, schema: PortalSchema) -> list[FilePlan]:
    """Each file's plan; the first problem answers 400 naming it."""
    if not request.files:
        raise errors.invalid_import("importRequest.files must name at least one file.")
    if request.date_format not in DATE_FORMATS:
        raise errors.invalid_import(f"dateFormat must be one of {', '.join(DATE_FORMATS)}.")
    operations = {}
    for type_key, operation in request.import_operations.items():
        if operation not in OPERATIONS:
            raise errors.invalid_import(f"importOperations.{type_key} must be one of {', '.join(OPERATIONS)}.")
        operations[_type(schema, type_key).object_type_id] = operation
    names = [f.file_name for f in request.files]
    if len(set(names)) != len(names):
        raise errors.invalid_import("Each file of an import needs a file name of its own.")
    # A multi-file import joins its files by a common column: the file of the object that owns the column marks
    # it `associationIdentifierColumn`, and the other files associate their rows with the record it names.
    keys = {
        _owner_type(m, schema).object_type_id: m.property_name
        for f in request.files
        for m in f.file_import_page.column_mappings
        if m.association_identifier_column and m.property_name and not _points_elsewhere(m)
    }
    plans = [_file_plan(f, schema, operations, keys) for f in request.files]
    # The files whose records others name come first, so those records exist when the others are written.
    named = {c.to_type_id for p in plans for c in p.columns if c.kind == "ASSOCIATION"}
    return sorted(plans, key=lambda p: p.object_type_id not in named)


def _file_plan(
    file: ImportFile, schema: PortalSchema, operations: dict[str, str], keys: dict[str, str | None]
) -> FilePlan:
    if file.file_format not in FILE_FORMATS:
        raise errors.invalid_import(f"fileFormat of {file.file_name} must be CSV or SPREADSHEET.")
    mappings = [m for m in file.file_import_page.column_mappings if not m.ignored]
    if not mappings or len(mappings) > MAX_COLUMNS:
        raise errors.invalid_import(f"{file.file_name}: map 1 to {MAX_COLUMNS} columns.")
    owners = {_owner_type(m, schema).object_type_id for m in mappings if not _points_elsewhere(m)}
    if len(owners) != 1:
        raise errors.invalid_import(
            f"{file.file_name}: every column must belong to one object type (localspot imports one type per file)."
        )
    object_type = schema.types[owners.pop()]
    columns = tuple(_column(position, m, object_type, schema, keys) for position, m in enumerate(mappings))
    identifiers = [c for c in columns if c.kind in (OBJECT_ID, ALTERNATE_ID)]
    if len(identifiers) > 1:
        raise errors.invalid_import(f"{file.file_name}: at most one column identifies the file's records.")
    operation = operations.get(object_type.object_type_id, "UPSERT")
    if operation == "UPDATE" and not identifiers:
        raise errors.invalid_import(f"{file.file_name}: an UPDATE import needs a column that identifies records.")
    return FilePlan(
        file.file_name,
        file.file_format,
        file.file_import_page.has_header,
        object_type.object_type_id,
        operation,
        columns,
    )


def _points_elsewhere(mapping: ColumnMapping) -> bool:
    return mapping.to_column_object_type_id is not None or mapping.foreign_key_type is not None


def _owner_type(mapping: ColumnMapping, schema: PortalSchema) -> ObjectType:
    key = mapping.column_object_type_id or mapping.column_object_type
    if key is None:
        raise errors.invalid_import(f"Column {mapping.column_name!r} names no columnObjectTypeId.")
    return _type(schema, key)


def _column(
    position: int, mapping: ColumnMapping, object_type: ObjectType, schema: PortalSchema, keys: dict[str, str | None]
) -> Column:
    column_type = mapping.column_type or mapping.id_column_type or "STANDARD"
    if column_type not in COLUMN_TYPES:
        raise errors.invalid_import(f"Column {mapping.column_name!r}: unknown columnType {column_type!r}.")
    if _points_elsewhere(mapping):
        return _association_column(position, mapping, object_type, schema, keys)
    name = mapping.property_name
    if column_type == OBJECT_ID:
        if name not in (None, "hs_object_id"):
            raise errors.invalid_import(f"Column {mapping.column_name!r}: a record id column maps hs_object_id.")
        return Column(position, mapping.column_name, "hs_object_id", OBJECT_ID)
    if name is None:
        raise errors.invalid_import(f"Column {mapping.column_name!r} maps no propertyName.")
    prop = object_type.properties.get(name)
    if prop is None:
        raise errors.property_not_found(object_type.object_type_id, name, mapping.column_name)
    if column_type == ALTERNATE_ID:
        if not prop.has_unique_value:
            raise errors.invalid_import(
                f"Column {mapping.column_name!r}: {name} is not a unique property, so it cannot identify records."
            )
        return Column(position, mapping.column_name, name, ALTERNATE_ID)
    if name == "hs_object_id":
        return Column(position, mapping.column_name, name, OBJECT_ID)
    return Column(position, mapping.column_name, name, "STANDARD")


def _association_column(
    position: int, mapping: ColumnMapping, object_type: ObjectType, schema: PortalSchema, keys: dict[str, str | None]
) -> Column:
    """A column naming another record, which each row's record is associated with: by record id (HubSpot's
    legacy `idColumnType: HUBSPOT_OBJECT_ID`), or by the unique property another file of the import marks as its
    `associationIdentifierColumn` (a multi-file import's common column). The association type is the mapping's
    `foreignKeyType`, or the pair's default."""
    to_key = mapping.to_column_object_type_id or mapping.column_object_type_id
    if to_key is None:
        raise errors.invalid_import(f"Column {mapping.column_name!r} names no toColumnObjectTypeId.")
    to_type = _type(schema, to_key)
    if to_type.object_type_id == object_type.object_type_id:
        raise errors.invalid_import(
            f"Column {mapping.column_name!r}: associations between records of one type are not imported."
        )
    by_id = (mapping.column_type or mapping.id_column_type) == OBJECT_ID
    key = None if by_id else (mapping.property_name or keys.get(to_type.object_type_id))
    if not by_id and (key is None or key not in {p.name for p in to_type.unique_properties()}):
        raise errors.invalid_import(
            f"Column {mapping.column_name!r}: name the {to_type.name} it holds by record id (HUBSPOT_OBJECT_ID) or "
            f"by a unique property another file marks as its associationIdentifierColumn."
        )
    if mapping.foreign_key_type is not None:
        type_id, category = mapping.foreign_key_type.association_type_id, mapping.foreign_key_type.association_category
    else:
        default = schema.default_association_type(object_type.object_type_id, to_type.object_type_id)
        if default is None:
            raise errors.invalid_import(
                f"Column {mapping.column_name!r}: {object_type.name} and {to_type.name} have no default association; "
                "give foreignKeyType."
            )
        type_id, category = default.type_id, default.category
    return Column(position, mapping.column_name, None, "ASSOCIATION", to_type.object_type_id, type_id, category, key)


def _type(schema: PortalSchema, key: str) -> ObjectType:
    found = schema.find(key)
    if found is None:
        raise errors.invalid_import(f"Unknown object type {key[:60]!r} in the import request.")
    return found


def as_json(request: ImportRequest) -> dict[str, Any]:
    return msgspec.to_builtins(request)
