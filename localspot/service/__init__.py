"""Services: validation, batch semantics, search and associations over the store."""

from __future__ import annotations

from localspot.schema import Catalog, load_catalog
from localspot.service.auth import Authenticator
from localspot.service.object_schemas import ObjectSchemaService
from localspot.service.owners import OwnerService
from localspot.service.properties import PropertyService
from localspot.service.records import RecordService
from localspot.service.schemas import SchemaCache
from localspot.service.search import SearchService
from localspot.store import Database


class Services:
    """Everything one server process needs, wired from explicit configuration."""

    def __init__(self, database: Database, catalog: Catalog | None = None) -> None:
        self.database = database
        self.schemas = SchemaCache(catalog or load_catalog())
        self.auth = Authenticator(database)
        self.records = RecordService(database, self.schemas)
        self.properties = PropertyService(database, self.schemas)
        self.object_schemas = ObjectSchemaService(database, self.schemas, self.properties)
        self.owners = OwnerService(database)
        self.search = SearchService(database, self.records)
