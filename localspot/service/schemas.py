"""Each portal's schema, rebuilt only when the portal's schema version moves (any process may move it)."""

from __future__ import annotations

from localspot.schema import Catalog, PortalSchema, PropertyDefinition
from localspot.schema.custom import association_types_from_schema, object_type_from_schema
from localspot.schema.model import USER_DEFINED, AssociationType
from localspot.store import Session


class SchemaCache:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._cached: dict[int, tuple[int, PortalSchema]] = {}

    def cached(self, portal_id: int) -> PortalSchema | None:
        """The schema last loaded for the portal, which may since have moved: for work that is checked
        again under `load` before it counts."""
        cached = self._cached.get(portal_id)
        return None if cached is None else cached[1]

    def load(self, session: Session, portal_id: int) -> PortalSchema:
        version = session.schema_version(portal_id)
        cached = self._cached.get(portal_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        custom = [
            (object_type_id, PropertyDefinition.from_dict(definition, hubspot_defined=False))
            for object_type_id, definition in session.custom_properties(portal_id)
        ]
        definitions = [d for d in session.object_schemas(portal_id) if not d.get("archived")]
        labels = [
            AssociationType(
                from_type_id=row.from_type,
                to_type_id=row.to_type,
                type_id=row.type_id,
                category=USER_DEFINED,
                name=row.name,
                label=row.label,
                inverse_type_id=row.inverse_type_id,
            )
            for row in session.association_labels(portal_id)
        ]
        schema = PortalSchema(
            portal_id,
            self.catalog,
            custom_properties=custom,
            custom_groups=session.custom_property_groups(portal_id),
            custom_pipelines=session.stored_pipelines(portal_id),
            custom_types=[object_type_from_schema(d) for d in definitions],
            custom_association_types=[*labels, *(t for d in definitions for t in association_types_from_schema(d))],
        )
        self._cached[portal_id] = (version, schema)
        return schema
