"""Object-type definitions held as data: the standard catalogue plus each portal's own definitions."""

from localspot.kernel.schema.catalog import Catalog, load_catalog
from localspot.kernel.schema.model import AssociationType, ObjectType, PropertyDefinition
from localspot.kernel.schema.portal import PortalSchema

__all__ = ["AssociationType", "Catalog", "ObjectType", "PortalSchema", "PropertyDefinition", "load_catalog"]
