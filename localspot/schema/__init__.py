"""Object-type definitions held as data: the standard catalogue plus each portal's own definitions."""

from localspot.schema.catalog import Catalog, load_catalog
from localspot.schema.model import AssociationType, ObjectType, PropertyDefinition
from localspot.schema.portal import PortalSchema

__all__ = ["AssociationType", "Catalog", "ObjectType", "PortalSchema", "PropertyDefinition", "load_catalog"]
