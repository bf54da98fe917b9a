"""The server assembly: every area's service wired over one database, and the ASGI application that serves
each area under each path family HubSpot's clients use. This is the one module that knows every area."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from localspot import __version__
from localspot.apps import admin_routes as app_admin_routes
from localspot.apps import routes as oauth_routes
from localspot.apps import webhook_routes
from localspot.apps.delivery import DeliveryWorker
from localspot.apps.events import WebhookEvents
from localspot.apps.oauth import OAuthService
from localspot.apps.registry import AppRegistry
from localspot.apps.webhooks import WebhookSettings
from localspot.config import Settings
from localspot.control import routes as control_routes
from localspot.control.access import AdminAccess
from localspot.control.clock import ClockAdmin
from localspot.control.faults import FaultAdmin
from localspot.control.journal import Journal
from localspot.control.portals import PortalAdmin
from localspot.control.rate_limits import RateLimits
from localspot.control.seed import Seeder
from localspot.control.snapshots import SnapshotAdmin
from localspot.control.state import ControlState
from localspot.control.traffic import TrafficGate
from localspot.control.transfer import Transfer
from localspot.crm.associations import labels as association_labels
from localspot.crm.associations import routes as associations
from localspot.crm.associations.labels import AssociationLabelService
from localspot.crm.associations.service import AssociationService
from localspot.crm.associations.usage import AssociationUsageService
from localspot.crm.lists import routes as lists
from localspot.crm.lists.folders import FolderService
from localspot.crm.lists.memberships import MembershipService
from localspot.crm.lists.service import ListService
from localspot.crm.objects import routes as objects
from localspot.crm.objects.lifecycle import RecordLifecycle
from localspot.crm.objects.reads import RecordReads
from localspot.crm.objects.service import RecordService
from localspot.crm.owners import routes as owners
from localspot.crm.owners.service import OwnerService
from localspot.crm.pipelines import routes as pipelines
from localspot.crm.pipelines import service as pipeline_service
from localspot.crm.pipelines.service import PipelineService
from localspot.crm.properties import routes as properties
from localspot.crm.properties import service as property_service
from localspot.crm.properties.groups import PropertyGroupService
from localspot.crm.properties.service import PropertyService
from localspot.crm.schemas import routes as object_schemas
from localspot.crm.schemas import service as object_schema_service
from localspot.crm.schemas.service import ObjectSchemaService
from localspot.crm.search import routes as search
from localspot.crm.search.service import SearchService
from localspot.kernel.portals.auth import Authenticator
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.schema_cache import SchemaCache
from localspot.kernel.schema import Catalog, load_catalog
from localspot.kernel.storage import Database
from localspot.kernel.storage.health import database_answers
from localspot.kernel.web.api import Api
from localspot.kernel.web.responses import json_response
from localspot.kernel.web.routing import http_error, under_prefixes, unexpected, versioned


class Services:
    """Every area's service for one server process, wired from explicit configuration."""

    def __init__(self, database: Database, catalog: Catalog | None = None) -> None:
        self.database = database
        # What each area adds to a portal's schema, in this order (association labels before the association
        # types of custom object schemas).
        self.schemas = SchemaCache(
            catalog or load_catalog(),
            sources=(
                property_service.add_to_schema,
                association_labels.add_to_schema,
                object_schema_service.add_to_schema,
                pipeline_service.add_to_schema,
            ),
        )
        self.auth = Authenticator(database)
        # Every record and association change is told to the webhooks' outbox, in the change's transaction.
        self.webhook_events = WebhookEvents(database)
        self.associations = AssociationService(database, self.schemas, self.webhook_events)
        self.association_labels = AssociationLabelService(database, self.schemas)
        self.records = RecordService(database, self.schemas, self.webhook_events)
        self.record_reads = RecordReads(database, self.records)
        self.lifecycle = RecordLifecycle(database, self.records, self.associations)
        self.properties = PropertyService(database, self.schemas)
        self.property_groups = PropertyGroupService(database, self.schemas)
        self.object_schemas = ObjectSchemaService(database, self.schemas, self.properties)
        self.owners = OwnerService(database)
        self.association_usage = AssociationUsageService(database, self.owners)
        self.pipelines = PipelineService(database, self.schemas)
        self.search = SearchService(database, self.records, self.schemas.catalog)
        self.lists = ListService(database, self.schemas, self.search)
        self.list_members = MembershipService(self.lists)
        self.list_folders = FolderService(self.lists)


# Each API area, with every prefix it is served under: classic, and `{version}` for each of HubSpot's date
# versions (DATE_VERSIONS; they differ in no rule localspot keeps, so one engine serves them all).
AREAS: list[tuple[Callable[[Api, Services], list[BaseRoute]], tuple[str, ...]]] = [
    (
        lambda api, s: objects.routes(api, s.records, s.record_reads, s.lifecycle),
        ("/crm/v3/objects", "/crm/objects/{version}"),
    ),
    (
        lambda api, s: properties.routes(api, s.properties, s.property_groups),
        ("/crm/v3/properties", "/crm/properties/{version}"),
    ),
    (
        lambda api, s: object_schemas.routes(api, s.object_schemas),
        ("/crm-object-schemas/v3", "/crm-object-schemas/{version}"),
    ),
    (lambda api, s: owners.routes(api, s.owners), ("/crm/v3/owners", "/crm/owners/{version}")),
    (lambda api, s: pipelines.routes(api, s.pipelines), ("/crm/v3/pipelines", "/crm/pipelines/{version}")),
    (
        lambda api, s: associations.routes(api, s.associations, s.association_labels, s.association_usage),
        ("/crm/v4/associations", "/crm/associations/v4", "/crm/associations/{version}"),
    ),
    (
        lambda api, s: associations.record_routes(api, s.associations),
        ("/crm/v4/objects", "/crm/objects/{version}"),
    ),
    (lambda api, s: associations.v3_routes(api, s.associations), ("/crm/v3/associations",)),
    (lambda api, s: search.routes(api, s.search), ("/crm/v3/objects", "/crm/objects/{version}")),
    (
        lambda api, s: lists.routes(api, s.lists, s.list_members, s.list_folders),
        ("/crm/v3/lists", "/crm/lists/{version}"),
    ),
]


class Control:
    """The control plane's services for one server process."""

    def __init__(self, services: Services, settings: Settings) -> None:
        database = services.database
        self.access = AdminAccess(settings.admin_token, settings.host)
        self.state = ControlState(database, workers=settings.workers)
        self.rate_limits = RateLimits(database, self.state)
        self.faults = FaultAdmin(database, self.state)
        self.journal = Journal(settings.journal_size)
        self.portals = PortalAdmin(
            database, services.auth, services.schemas, services.owners, self.state, self.rate_limits
        )
        self.snapshots = SnapshotAdmin(database)
        self.seeder = Seeder(database, services.schemas, services.records, services.associations)
        self.clock = ClockAdmin(database, self.state)
        self.transfer = Transfer(database, services.schemas)
        self.apps = AppRegistry(database, self.portals)
        events = services.webhook_events
        # Any change of the shared settings (subscriptions, installs, an app deleted...) may change who listens.
        self.state.on_change(events.forget)
        self.webhooks = WebhookSettings(database, self.state, events.forget)
        self.oauth = OAuthService(
            database,
            auto_approve=settings.oauth_auto_approve,
            default_portal_id=settings.portal_id,
            installs=self.state,
            forget=events.forget,
        )
        self.deliveries = DeliveryWorker(database, retry_scale=settings.webhook_retry_scale)
        events.wake = self.deliveries.wake


def create_app(services: Services, settings: Settings | None = None) -> TrafficGate:
    settings = settings or Settings()
    threaded = services.database.dialect.runs_in_threads
    control = Control(services, settings)
    control.state.refresh(force=True)

    def authenticate(authorization: str | None) -> Principal:
        # Each request first catches up with the settings other workers may have changed (at most one query
        # every REFRESH_S), so what it writes takes the clock every worker shares.
        control.state.refresh()
        return services.auth.authenticate(authorization)

    api = Api(authenticate, threaded=threaded, max_body_bytes=settings.max_body_bytes)

    async def health(request: Request) -> Response:
        check = functools.partial(database_answers, services.database)
        answers = await run_in_threadpool(check) if threaded else check()
        body = {
            "status": "ok" if answers else "unavailable",
            "version": __version__,
            "backend": services.database.dialect.name,
            "database": "ok" if answers else "unreachable",
        }
        return json_response(body, 200 if answers else 503)

    routes: list[BaseRoute] = [Route("/_localspot/health", health, methods=["GET"])]
    if control.access.served:
        admin_api = Api(control.access.check, threaded=threaded, max_body_bytes=settings.max_body_bytes)
        admin = control_routes.routes(
            admin_api,
            control.portals,
            control.snapshots,
            control.seeder,
            control.clock,
            control.transfer,
            (control.faults, control.rate_limits, control.journal),
        )
        admin.extend(app_admin_routes.routes(admin_api, control.apps, control.webhooks))
        routes.extend(under_prefixes([(admin, ("/_localspot",))]))
    routes.extend(oauth_routes.routes(control.oauth, threaded=threaded))
    webhooks_api = Api(lambda authorization: authorization, threaded=threaded, max_body_bytes=settings.max_body_bytes)
    routes.extend(webhook_routes.routes(webhooks_api, control.webhooks))
    routes.extend(under_prefixes([(build(api, services), versioned(prefixes)) for build, prefixes in AREAS]))

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        # The webhook delivery worker runs while the server serves (each worker process has its own).
        control.deliveries.start()
        try:
            yield
        finally:
            await run_in_threadpool(control.deliveries.stop)

    starlette = Starlette(
        routes=routes, exception_handlers={HTTPException: http_error, Exception: unexpected}, lifespan=lifespan
    )
    return TrafficGate(
        starlette,
        state=control.state,
        faults=control.faults,
        rate_limits=control.rate_limits,
        journal=control.journal,
        authenticate=services.auth.authenticate,
        threaded=threaded,
    )
