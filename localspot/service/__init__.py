"""Services: validation, batch semantics, search and associations over the store."""

from __future__ import annotations

from localspot.schema import Catalog, load_catalog
from localspot.service.association_labels import AssociationLabelService
from localspot.service.associations import AssociationService
from localspot.service.auth import Authenticator
from localspot.service.lifecycle import RecordLifecycle
from localspot.service.object_schemas import ObjectSchemaService
from localspot.service.owners import OwnerService
from localspot.service.pipelines import PipelineService
from localspot.service.properties import PropertyService
from localspot.service.property_groups import PropertyGroupService
from localspot.service.record_reads import RecordReads
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
        self.record_reads = RecordReads(database, self.records)
        self.lifecycle = RecordLifecycle(database, self.records)
        self.properties = PropertyService(database, self.schemas)
        self.property_groups = PropertyGroupService(database, self.schemas)
        self.object_schemas = ObjectSchemaService(database, self.schemas, self.properties)
        self.owners = OwnerService(database)
        self.pipelines = PipelineService(database, self.schemas)
        self.associations = AssociationService(database, self.schemas)
        self.association_labels = AssociationLabelService(database, self.schemas)
        self.search = SearchService(database, self.records, self.schemas.catalog)
