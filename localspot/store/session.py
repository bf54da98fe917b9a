"""One transaction's view of the store: every query module, over one cursor."""

from localspot.store.accounts import AccountQueries
from localspot.store.association_schema import AssociationSchemaQueries
from localspot.store.associations import AssociationQueries
from localspot.store.definitions import DefinitionQueries
from localspot.store.history import HistoryQueries
from localspot.store.lifecycle import LifecycleQueries
from localspot.store.object_schemas import ObjectSchemaQueries
from localspot.store.owners import OwnerQueries
from localspot.store.pipelines import PipelineQueries
from localspot.store.records import RecordQueries
from localspot.store.search import SearchQueries
from localspot.store.unique import UniqueValueQueries


class Session(
    AccountQueries,
    DefinitionQueries,
    RecordQueries,
    UniqueValueQueries,
    HistoryQueries,
    AssociationQueries,
    ObjectSchemaQueries,
    OwnerQueries,
    PipelineQueries,
    AssociationSchemaQueries,
    LifecycleQueries,
    SearchQueries,
):
    pass
