"""Object types, properties and association types: the data one generic engine serves every type from."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

PROPERTY_TYPES = frozenset({"string", "number", "bool", "enumeration", "date", "datetime", "phone_number"})
FIELD_TYPES = frozenset(
    {
        "booleancheckbox",
        "calculation_equation",
        "checkbox",
        "date",
        "file",
        "html",
        "number",
        "phonenumber",
        "radio",
        "select",
        "text",
        "textarea",
    }
)
# The record writes a type may take; a type's definition lists those it takes (`writeOperations`, default
# all): feedback submissions take none, partner clients only updates.
WRITE_OPERATIONS = ("create", "update", "archive")
HUBSPOT_DEFINED = "HUBSPOT_DEFINED"
USER_DEFINED = "USER_DEFINED"
ASSOCIATION_CATEGORIES = frozenset({HUBSPOT_DEFINED, USER_DEFINED, "INTEGRATOR_DEFINED", "WORK"})

# Record columns that back the system properties every type has; everything else lives in the
# record's property map.
COLUMN_ID = "id"
COLUMN_CREATED = "created_at"
COLUMN_UPDATED = "updated_at"


@dataclass(frozen=True)
class PropertyDefinition:
    name: str
    label: str
    type: str
    field_type: str
    group_name: str
    description: str = ""
    options: tuple[dict[str, Any], ...] = ()
    read_only: bool = False
    has_unique_value: bool = False
    hubspot_defined: bool = True
    lowercase: bool = False
    display_order: int = -1
    hidden: bool = False
    form_field: bool = False
    calculated: bool = False
    archived: bool = False
    created_at: int | None = None
    updated_at: int | None = None
    archived_at: int | None = None
    column: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # The portal's validation rules for the property (the property validations area), applied by every write;
    # not part of the definition's stored form.
    validation_rules: tuple[dict[str, Any], ...] = ()

    @cached_property
    def is_multi_select(self) -> bool:
        return self.type == "enumeration" and self.field_type == "checkbox"

    def option_values(self) -> frozenset[str]:
        return self._option_values

    @cached_property
    def _option_values(self) -> frozenset[str]:
        # Computed once per definition: validation asks for every enumeration value written.
        return frozenset(str(o["value"]) for o in self.options)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, hubspot_defined: bool) -> PropertyDefinition:
        known = {
            "name",
            "label",
            "type",
            "fieldType",
            "groupName",
            "description",
            "options",
            "readOnly",
            "hasUniqueValue",
            "lowercase",
            "displayOrder",
            "hidden",
            "formField",
            "calculated",
            "archived",
            "createdAt",
            "updatedAt",
            "archivedAt",
            "column",
        }
        return cls(
            name=data["name"],
            label=data.get("label", data["name"]),
            type=data.get("type", "string"),
            field_type=data.get("fieldType", "text"),
            group_name=data.get("groupName", ""),
            description=data.get("description", "") or "",
            options=tuple(_option(o, i) for i, o in enumerate(data.get("options") or ())),
            read_only=bool(data.get("readOnly", False)),
            has_unique_value=bool(data.get("hasUniqueValue", False)),
            hubspot_defined=hubspot_defined,
            lowercase=bool(data.get("lowercase", False)),
            display_order=int(data.get("displayOrder", -1)),
            hidden=bool(data.get("hidden", False)),
            form_field=bool(data.get("formField", False)),
            calculated=bool(data.get("calculated", False)),
            archived=bool(data.get("archived", False)),
            created_at=data.get("createdAt"),
            updated_at=data.get("updatedAt"),
            archived_at=data.get("archivedAt"),
            column=data.get("column"),
            extra={k: v for k, v in data.items() if k not in known},
        )

    def to_dict(self) -> dict[str, Any]:
        """The stored form; `from_dict(to_dict())` round-trips."""
        data: dict[str, Any] = {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "fieldType": self.field_type,
            "groupName": self.group_name,
            "description": self.description,
            "options": list(self.options),
            "readOnly": self.read_only,
            "hasUniqueValue": self.has_unique_value,
            "lowercase": self.lowercase,
            "displayOrder": self.display_order,
            "hidden": self.hidden,
            "formField": self.form_field,
            "calculated": self.calculated,
            "archived": self.archived,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "archivedAt": self.archived_at,
        }
        if self.column is not None:
            data["column"] = self.column
        data.update(self.extra)
        return data


def _option(option: dict[str, Any], index: int) -> dict[str, Any]:
    return {
        "label": str(option.get("label", option.get("value", ""))),
        "value": str(option.get("value", "")),
        "description": option.get("description", "") or "",
        "displayOrder": option.get("displayOrder", index),
        "hidden": bool(option.get("hidden", False)),
    }


@dataclass(frozen=True)
class AssociationType:
    from_type_id: str
    to_type_id: str
    type_id: int
    category: str
    name: str | None
    label: str | None
    inverse_type_id: int
    is_default: bool = False


@dataclass(frozen=True)
class ObjectType:
    name: str
    object_type_id: str
    singular: str
    plural: str
    error_name: str
    aliases: tuple[str, ...]
    created_property: str
    modified_property: str
    required_properties: tuple[str, ...]
    required_one_of: tuple[tuple[str, ...], ...]
    default_properties: tuple[str, ...]
    searchable_properties: tuple[str, ...]
    primary_display_property: str | None
    read_scopes: tuple[str, ...]
    write_scopes: tuple[str, ...]
    mergeable: bool
    groups: tuple[dict[str, Any], ...]
    properties: dict[str, PropertyDefinition]
    id_property: str = "hs_object_id"
    custom: bool = False
    pipeline_property: str | None = None
    stage_property: str | None = None
    default_pipelines: tuple[dict[str, Any], ...] = ()
    required_stage_metadata: tuple[str, ...] = ()
    gdpr_deletable: bool = False
    write_operations: frozenset[str] = frozenset(WRITE_OPERATIONS)
    # Property lists the store keeps search indexes on (leading property first): catalogue data.
    search_indexes: tuple[tuple[str, ...], ...] = ()
    # What services derive from this definition once and reuse on every request (validation's table of
    # normalisers, say), by key. A changed definition is a new instance, so it starts empty.
    derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @functools.cached_property
    def writable_properties(self) -> dict[str, PropertyDefinition]:
        """The properties a write may set: live and not read-only."""
        return {name: p for name, p in self.properties.items() if not p.archived and not p.read_only}

    @functools.cached_property
    def search_keyed_properties(self) -> tuple[str, ...]:
        """Every property some search index leads or includes, in a stable order."""
        return tuple(sorted({name for names in self.search_indexes for name in names}))

    @functools.cached_property
    def column_properties(self) -> tuple[tuple[str, str], ...]:
        """(name, record column) of every property backed by a record column rather than the value map,
        besides the system trio (created, modified, id property), which every type has."""
        trio = (self.created_property, self.modified_property, self.id_property)
        return tuple(
            (p.name, p.column) for p in self.properties.values() if p.column is not None and p.name not in trio
        )

    @functools.cached_property
    def archived_property_names(self) -> frozenset[str]:
        """Archived properties keep their stored values, but reads no longer show them."""
        return frozenset(p.name for p in self.properties.values() if p.archived)

    def unsupported_writes(self, operations: Iterable[str]) -> list[str]:
        """Those of `operations` this type does not take (in the order given)."""
        return [operation for operation in operations if operation not in self.write_operations]

    def unique_properties(self) -> list[PropertyDefinition]:
        return [p for p in self.properties.values() if p.has_unique_value and not p.archived]

    def live_group(self, name: str) -> dict[str, Any] | None:
        """The unarchived property group called `name`, if any."""
        for group in self.groups:
            if group["name"] == name and not group.get("archived", False):
                return group
        return None

    def with_properties(self, extra: Iterable[PropertyDefinition], groups: Iterable[dict[str, Any]] = ()) -> ObjectType:
        """This type with a portal's own property definitions and groups laid over its own (same name wins)."""
        merged = dict(self.properties)
        for prop in extra:
            merged[prop.name] = prop
        merged_groups = {group["name"]: group for group in self.groups}
        for group in groups:
            merged_groups[group["name"]] = group
        return replace(self, properties=merged, groups=tuple(merged_groups.values()))

    def with_validation_rules(self, rules: dict[str, tuple[dict[str, Any], ...]]) -> ObjectType:
        """This type with the portal's validation rules on the properties they name."""
        merged = {
            name: replace(prop, validation_rules=rules[name]) if name in rules else prop
            for name, prop in self.properties.items()
        }
        return replace(self, properties=merged)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, custom: bool = False) -> ObjectType:
        props = {p["name"]: PropertyDefinition.from_dict(p, hubspot_defined=not custom) for p in data["properties"]}
        created, modified = data["createdProperty"], data["modifiedProperty"]
        id_property = data.get("idProperty", "hs_object_id")
        for name, column in ((created, COLUMN_CREATED), (modified, COLUMN_UPDATED), (id_property, COLUMN_ID)):
            if name in props:
                props[name] = replace(props[name], column=column, read_only=True)
        return cls(
            name=data["name"],
            object_type_id=data["objectTypeId"],
            singular=data["singular"],
            plural=data["plural"],
            error_name=data["errorName"],
            aliases=tuple(data.get("aliases", ())),
            created_property=created,
            modified_property=modified,
            required_properties=tuple(data.get("requiredProperties", ())),
            required_one_of=tuple(tuple(group) for group in data.get("requiredOneOf", ())),
            default_properties=tuple(data.get("defaultProperties", ())),
            searchable_properties=tuple(data.get("searchableProperties", ())),
            primary_display_property=data.get("primaryDisplayProperty"),
            read_scopes=tuple(data.get("readScopes", ())),
            write_scopes=tuple(data.get("writeScopes", ())),
            mergeable=bool(data.get("mergeable", False)),
            groups=tuple(
                {"archived": False, **group, "hubspotDefined": not custom} for group in data.get("groups", ())
            ),
            properties=props,
            id_property=id_property,
            custom=custom,
            pipeline_property=data.get("pipelineProperty"),
            stage_property=data.get("stageProperty"),
            default_pipelines=tuple(data.get("pipelines", ())),
            required_stage_metadata=tuple(data.get("requiredStageMetadata", ())),
            gdpr_deletable=bool(data.get("gdprDeletable", False)),
            write_operations=_write_operations(data.get("writeOperations", WRITE_OPERATIONS)),
            search_indexes=tuple(tuple(names) for names in data.get("searchIndexes", ())),
        )


def _write_operations(listed: Iterable[str]) -> frozenset[str]:
    operations = frozenset(listed)
    unknown = operations - set(WRITE_OPERATIONS)
    if unknown:
        raise ValueError(f"unknown write operations {sorted(unknown)}: a type takes {', '.join(WRITE_OPERATIONS)}")
    return operations
