"""One portal's view of the schema: the standard catalogue merged with the portal's own definitions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from localspot.kernel import errors
from localspot.kernel.schema.catalog import Catalog
from localspot.kernel.schema.model import AssociationType, ObjectType, PropertyDefinition
from localspot.kernel.schema.pipelines import merge_pipelines, with_pipeline_options


class PortalSchema:
    """Immutable once built; rebuilt whenever the portal's schema version moves."""

    def __init__(
        self,
        portal_id: int,
        catalog: Catalog,
        custom_properties: Iterable[tuple[str, PropertyDefinition]] = (),
        custom_types: Iterable[ObjectType] = (),
        custom_association_types: Iterable[AssociationType] = (),
        custom_groups: Iterable[tuple[str, dict[str, Any]]] = (),
        custom_pipelines: Iterable[tuple[str, dict[str, Any]]] = (),
        validation_rules: Iterable[tuple[str, str, tuple[dict[str, Any], ...]]] = (),
    ) -> None:
        self.portal_id = portal_id
        rules: dict[str, dict[str, tuple[dict[str, Any], ...]]] = defaultdict(dict)
        for object_type_id, name, property_rules in validation_rules:
            rules[object_type_id][name] = property_rules
        extra: dict[str, list[PropertyDefinition]] = defaultdict(list)
        for object_type_id, prop in custom_properties:
            extra[object_type_id].append(prop)
        extra_groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for object_type_id, group in custom_groups:
            extra_groups[object_type_id].append(group)
        stored_pipelines: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for object_type_id, pipeline in custom_pipelines:
            stored_pipelines[object_type_id].append(pipeline)
        self.types: dict[str, ObjectType] = {}
        self.pipelines: dict[str, list[dict[str, Any]]] = {}
        self._by_name: dict[str, ObjectType] = {}
        for object_type in (*catalog.object_types, *custom_types):
            type_id = object_type.object_type_id
            merged = object_type.with_properties(extra.get(type_id, ()), extra_groups.get(type_id, ()))
            if type_id in rules:
                merged = merged.with_validation_rules(rules[type_id])
            if merged.pipeline_property:
                self.pipelines[type_id] = merge_pipelines(merged.default_pipelines, stored_pipelines.get(type_id, ()))
                merged = with_pipeline_options(merged, self.pipelines[type_id])
            self.types[merged.object_type_id] = merged
            for alias in (merged.name, merged.singular, merged.plural, merged.object_type_id, *merged.aliases):
                self._by_name.setdefault(alias.lower(), merged)
        self._associations: dict[tuple[str, str], list[AssociationType]] = defaultdict(list)
        for association in (*catalog.association_types, *custom_association_types):
            self._associations[(association.from_type_id, association.to_type_id)].append(association)

    def resolve(self, name: str) -> ObjectType:
        """A path's object type: plural or singular name, objectTypeId, any case."""
        found = self._by_name.get(name.lower())
        if found is None:
            raise errors.unknown_object_type(name)
        return found

    def find(self, name: str) -> ObjectType | None:
        return self._by_name.get(name.lower())

    def association_types(self, from_type_id: str, to_type_id: str) -> list[AssociationType]:
        return self._associations.get((from_type_id, to_type_id), [])

    def association_type(
        self, from_type_id: str, to_type_id: str, category: str, type_id: int
    ) -> AssociationType | None:
        for association in self._associations.get((from_type_id, to_type_id), ()):
            if association.type_id == type_id and association.category == category:
                return association
        return None

    def default_association_type(self, from_type_id: str, to_type_id: str) -> AssociationType | None:
        candidates = self._associations.get((from_type_id, to_type_id), ())
        for association in candidates:
            if association.is_default:
                return association
        return None
