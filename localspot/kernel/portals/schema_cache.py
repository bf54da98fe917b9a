"""Each portal's schema, rebuilt only when the portal's schema version moves (any process may move it).

What a portal adds to the catalogue is stored by the areas that define it (custom properties and groups,
custom object schemas, association labels, pipelines). Each area contributes its part through a
`SchemaSource` given when the server is assembled, so this cache reads no area's tables itself."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from localspot.kernel.schema import AssociationType, Catalog, ObjectType, PortalSchema, PropertyDefinition
from localspot.kernel.storage import Session
from localspot.kernel.storage.portals import PortalQueries


@dataclass
class SchemaParts:
    """What the areas add to the catalogue for one portal; each source appends its own part."""

    custom_properties: list[tuple[str, PropertyDefinition]] = field(default_factory=list)
    custom_groups: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    custom_pipelines: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    custom_types: list[ObjectType] = field(default_factory=list)
    custom_association_types: list[AssociationType] = field(default_factory=list)
    # (objectTypeId, property name, its validation rules)
    validation_rules: list[tuple[str, str, tuple[dict[str, Any], ...]]] = field(default_factory=list)


SchemaSource = Callable[[Session, int, SchemaParts], None]


class SchemaCache:
    def __init__(self, catalog: Catalog, sources: Sequence[SchemaSource] = ()) -> None:
        self.catalog = catalog
        self.sources = tuple(sources)
        self._cached: dict[int, tuple[int, PortalSchema]] = {}

    def cached(self, portal_id: int) -> PortalSchema | None:
        """The schema last loaded for the portal, which may since have moved: for work that is checked
        again under `load` before it counts."""
        cached = self._cached.get(portal_id)
        return None if cached is None else cached[1]

    def load(self, session: Session, portal_id: int) -> PortalSchema:
        version = PortalQueries.of(session).schema_version(portal_id)
        cached = self._cached.get(portal_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        parts = SchemaParts()
        for source in self.sources:
            source(session, portal_id, parts)
        schema = PortalSchema(
            portal_id,
            self.catalog,
            custom_properties=parts.custom_properties,
            custom_groups=parts.custom_groups,
            custom_pipelines=parts.custom_pipelines,
            custom_types=parts.custom_types,
            custom_association_types=parts.custom_association_types,
            validation_rules=parts.validation_rules,
        )
        self._cached[portal_id] = (version, schema)
        return schema
