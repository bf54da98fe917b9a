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
from localspot.apps.delivery_process import DeliveryProcess
from localspot.apps.events import WebhookEvents
from localspot.apps.extensions import routes as extension_routes
from localspot.apps.extensions.calls import CallExtensions
from localspot.apps.extensions.cards import CrmCards
from localspot.apps.extensions.flags import FeatureFlags
from localspot.apps.extensions.settings import AppSettings
from localspot.apps.journal import routes as journal_routes
from localspot.apps.journal.access import JournalAccess
from localspot.apps.journal.events import JournalEvents
from localspot.apps.journal.reads import JournalReads
from localspot.apps.journal.snapshots import JournalSnapshots
from localspot.apps.journal.subscriptions import JournalSubscriptions
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
from localspot.control.rate_limits import TIERS, RateLimits
from localspot.control.records import RecordRestore
from localspot.control.seed import Seeder
from localspot.control.snapshots import SnapshotAdmin
from localspot.control.state import ControlState
from localspot.control.traffic import TrafficGate
from localspot.control.transfer import Transfer
from localspot.control.usage import DailyUsage
from localspot.crm.account_info import routes as account_info
from localspot.crm.account_info.service import AccountInfoService
from localspot.crm.associations import labels as association_labels
from localspot.crm.associations import routes as associations
from localspot.crm.associations.labels import AssociationLabelService
from localspot.crm.associations.service import AssociationService
from localspot.crm.associations.usage import AssociationUsageService
from localspot.crm.associations.v3_records import V3RecordAssociations
from localspot.crm.deal_splits import routes as deal_splits
from localspot.crm.deal_splits.objects import DealSplitObjects
from localspot.crm.deal_splits.service import DealSplitService
from localspot.crm.exports import routes as exports
from localspot.crm.exports.service import ExportService
from localspot.crm.forecast_types import routes as forecast_types
from localspot.crm.forecast_types.service import ForecastTypeService
from localspot.crm.imports import routes as imports
from localspot.crm.imports.runner import ImportRunner
from localspot.crm.imports.service import ImportService
from localspot.crm.legacy import routes as legacy
from localspot.crm.legacy.catalog import LegacyCatalog
from localspot.crm.legacy.engagements import LegacyEngagements
from localspot.crm.legacy.objects import LegacyObjects
from localspot.crm.legacy.records import LegacyRecords
from localspot.crm.limits import routes as limits
from localspot.crm.limits.service import LimitsService
from localspot.crm.lists import routes as lists
from localspot.crm.lists.conversion import ListConversions
from localspot.crm.lists.folders import FolderService
from localspot.crm.lists.memberships import MembershipService
from localspot.crm.lists.service import ListService
from localspot.crm.object_library import routes as object_library
from localspot.crm.object_library.service import ObjectLibraryService
from localspot.crm.objects import routes as objects
from localspot.crm.objects.lifecycle import RecordLifecycle
from localspot.crm.objects.reads import RecordReads
from localspot.crm.objects.service import RecordService
from localspot.crm.objects.v3_associations import routes as v3_record_associations
from localspot.crm.owners import routes as owners
from localspot.crm.owners.service import OwnerService
from localspot.crm.pipelines import routes as pipelines
from localspot.crm.pipelines import service as pipeline_service
from localspot.crm.pipelines.service import PipelineService
from localspot.crm.properties import routes as properties
from localspot.crm.properties import service as property_service
from localspot.crm.properties.groups import PropertyGroupService
from localspot.crm.properties.service import PropertyService
from localspot.crm.property_validations import routes as property_validations
from localspot.crm.property_validations import service as property_validation_service
from localspot.crm.property_validations.service import PropertyValidationService
from localspot.crm.schemas import routes as object_schemas
from localspot.crm.schemas import service as object_schema_service
from localspot.crm.schemas.service import ObjectSchemaService
from localspot.crm.search import routes as search
from localspot.crm.search.service import SearchService
from localspot.crm.subscriptions import routes as subscriptions
from localspot.crm.subscriptions.service import SubscriptionLifecycle
from localspot.crm.timeline import routes as timeline
from localspot.crm.timeline.events import TimelineEvents
from localspot.crm.timeline.templates import TimelineTemplates
from localspot.inspector import routes as inspector_routes
from localspot.inspector.access import UiAccess
from localspot.inspector.console import Console
from localspot.inspector.records import RecordViews
from localspot.kernel.portals.auth import Authenticator
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.schema_cache import SchemaCache
from localspot.kernel.schema import Catalog, load_catalog
from localspot.kernel.storage import Database
from localspot.kernel.storage.events import FanOut
from localspot.kernel.storage.health import database_answers
from localspot.kernel.web.api import Api
from localspot.kernel.web.responses import json_response
from localspot.kernel.web.router import IndexedRouter
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
                property_validation_service.add_to_schema,
            ),
        )
        self.auth = Authenticator(database)
        # Every record and association change is told to the webhooks' outbox and the webhooks journal, in the
        # change's transaction.
        self.webhook_events = WebhookEvents(database)
        self.journal_events = JournalEvents(database)
        self.events = FanOut(self.webhook_events, self.journal_events)
        self.associations = AssociationService(database, self.schemas, self.events)
        self.v3_associations = V3RecordAssociations(self.associations)
        self.association_labels = AssociationLabelService(database, self.schemas)
        self.records = RecordService(database, self.schemas, self.events)
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
        self.list_conversions = ListConversions(self.lists)
        self.property_validations = PropertyValidationService(database, self.schemas)
        self.timeline_events = TimelineEvents(database, self.records, self.record_reads)
        self.import_runner = ImportRunner(database, self.schemas, self.records, self.record_reads)
        self.imports = ImportService(database, self.schemas, started=self.import_runner.wake)
        self.exports = ExportService(database, self.schemas, self.record_reads, self.search, self.list_members)
        self.forecast_types = ForecastTypeService(database)
        self.object_library = ObjectLibraryService(database, self.schemas)
        self.deal_splits = DealSplitService(database, self.record_reads, self.owners)
        self.deal_split_objects = DealSplitObjects(database)
        self.subscription_lifecycle = SubscriptionLifecycle(self.records, self.record_reads)
        self.limits = LimitsService(
            database, self.schemas, self.record_reads, self.object_schemas, self.association_usage
        )
        self.legacy_catalog = LegacyCatalog(
            self.properties, self.property_groups, self.pipelines, self.owners, self.deal_splits
        )
        legacy_records = LegacyRecords(self.record_reads, self.properties, self.search)
        self.legacy_objects = LegacyObjects(legacy_records)
        self.legacy_engagements = LegacyEngagements(legacy_records)


# Each API area, with every prefix it is served under: classic, and `{version}` for each of HubSpot's date
# versions (DATE_VERSIONS; they differ in no rule localspot keeps, so one engine serves them all).
AREAS: list[tuple[Callable[[Api, Services], list[BaseRoute]], tuple[str, ...]]] = [
    (
        lambda api, s: objects.routes(api, s.records, s.record_reads, s.lifecycle),
        ("/crm/v3/objects", "/crm/objects/v3", "/crm/v4/objects", "/crm/objects/{version}"),
    ),
    (
        lambda api, s: properties.routes(api, s.properties, s.property_groups),
        ("/crm/v3/properties", "/crm/properties/{version}"),
    ),
    (
        lambda api, s: object_schemas.routes(api, s.object_schemas),
        ("/crm-object-schemas/v3", "/crm/v3", "/crm-object-schemas/{version}"),
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
    (
        lambda api, s: v3_record_associations(api, s.v3_associations, s.record_reads),
        ("/crm/v3/objects", "/crm/objects/v3"),
    ),
    (
        lambda api, s: search.routes(api, s.search),
        ("/crm/v3/objects", "/crm/objects/v3", "/crm/v4/objects", "/crm/objects/{version}"),
    ),
    (
        lambda api, s: lists.routes(api, s.lists, s.list_members, s.list_folders, s.list_conversions),
        ("/crm/v3/lists", "/crm/lists/{version}"),
    ),
    (lambda api, s: imports.routes(api, s.imports), ("/crm/v3/imports", "/crm/imports/{version}")),
    (
        lambda api, s: property_validations.routes(api, s.property_validations),
        ("/crm/v3/property-validations", "/crm/property-validations/{version}"),
    ),
    (
        lambda api, s: exports.routes(api, s.exports),
        ("/crm/v3/exports", "/crm/exports/{version}"),
    ),
    (
        lambda api, s: forecast_types.routes(api, s.forecast_types),
        ("/forecast-settings/v3", "/forecast-settings/{version}"),
    ),
    (
        lambda api, s: object_library.routes(api, s.object_library),
        ("/crm/v3/object-library", "/crm/object-library/{version}"),
    ),
    (
        lambda api, s: deal_splits.routes(api, s.deal_splits),
        ("/crm/objects/v3/deals/splits", "/crm/v3/objects/deals/splits", "/deal-splits/{version}"),
    ),
    (
        lambda api, s: deal_splits.object_routes(api, s.deal_split_objects),
        ("/crm/v3/objects/deal_split", "/crm/objects/v3/deal_split", "/crm/objects/{version}/deal_split"),
    ),
    (
        lambda api, s: subscriptions.routes(api, s.subscription_lifecycle),
        ("/payments-subscriptions/v1", "/payments-subscriptions/{version}"),
    ),
    (lambda api, s: limits.routes(api, s.limits), ("/crm/v3/limits", "/crm/limits/{version}")),
    # HubSpot's legacy paths (docs/decisions.md, "Legacy paths"), in their legacy shapes.
    (lambda api, s: legacy.properties_routes(api, s.legacy_catalog), ("/properties/v1", "/properties/v2")),
    (lambda api, s: legacy.companies_routes(api, s.legacy_catalog, s.legacy_objects), ("/companies/v2",)),
    (lambda api, s: legacy.deals_routes(api, s.legacy_catalog, s.legacy_objects), ("/deals/v1",)),
    (lambda api, s: legacy.contacts_routes(api, s.legacy_objects), ("/contacts/v1",)),
    (lambda api, s: legacy.engagements_routes(api, s.legacy_engagements), ("/engagements/v1",)),
    (lambda api, s: legacy.owners_routes(api, s.legacy_catalog), ("/owners/v2",)),
    (lambda api, s: legacy.pipelines_routes(api, s.legacy_catalog), ("/crm-pipelines/v1",)),
]


class Control:
    """The control plane's services for one server process."""

    def __init__(self, services: Services, settings: Settings) -> None:
        database = services.database
        self.access = AdminAccess(settings.admin_token, settings.host)
        self.state = ControlState(database, workers=settings.workers)
        self.rate_limits = RateLimits(database, self.state)
        self.usage = DailyUsage(database, self.state, self.rate_limits)
        self.rate_limits.on_cleared(self.usage.forget)
        self.faults = FaultAdmin(database, self.state)
        self.journal = Journal(settings.journal_size)
        self.portals = PortalAdmin(
            database, services.auth, services.schemas, services.owners, self.state, self.rate_limits
        )
        self.snapshots = SnapshotAdmin(database)
        self.seeder = Seeder(database, services.schemas, services.records, services.associations)
        self.clock = ClockAdmin(database, self.state)
        self.transfer = Transfer(database, services.schemas)
        events, journal = services.webhook_events, services.journal_events
        self.apps = AppRegistry(database, self.portals, lifecycle=journal.lifecycle)
        # Any change of the shared settings (subscriptions, installs, an app deleted...) may change who listens.
        self.state.on_change(events.forget)
        self.state.on_change(journal.forget)
        self.webhooks = WebhookSettings(database, self.state, events.forget)

        def forget_listeners() -> None:
            events.forget()
            journal.forget()

        self.oauth = OAuthService(
            database,
            auto_approve=settings.oauth_auto_approve,
            default_portal_id=settings.portal_id,
            installs=self.state,
            forget=forget_listeners,
            lifecycle=journal.lifecycle,
        )
        self.journal_subscriptions = JournalSubscriptions(database, self.state, journal.forget)
        self.journal_reads = JournalReads(database)
        self.journal_snapshots = JournalSnapshots(database, services.record_reads, journal)
        self.deliveries: DeliveryWorker | DeliveryProcess
        if settings.delivers_from_a_process():
            where = {"database_url": settings.database_url, "db_path": settings.db_path}
            # The worker holds one connection at a time (its sending threads hold none).
            options = {**settings.database_options(), "pool_size": 2, **where}
            self.deliveries = DeliveryProcess(
                database, options, retry_scale=settings.webhook_retry_scale, journal=self.journal
            )
        else:
            self.deliveries = DeliveryWorker(database, retry_scale=settings.webhook_retry_scale, journal=self.journal)
        events.wake = self.deliveries.wake


def inspector(services: Services, control: Control, *, threaded: bool) -> list[BaseRoute]:
    """`/_localspot/ui/`: the web inspector, under the admin API's access rule."""
    console = Console(
        control.portals, control.snapshots, control.faults, control.rate_limits, control.clock, control.journal
    )
    records = RecordViews(
        services.database, services.schemas, services.record_reads, services.search, services.associations
    )
    return inspector_routes.routes(
        UiAccess(control.access),
        console,
        records,
        control.journal,
        threaded=threaded,
        deliveries=control.webhooks.deliveries,
        record_events=control.webhooks.events_of_record,
    )


def create_app(services: Services, settings: Settings | None = None) -> TrafficGate:
    settings = settings or Settings()
    threaded = services.database.dialect.runs_in_threads
    control = Control(services, settings)
    control.state.refresh(force=True)

    def authenticate(authorization: str | None) -> Principal:
        # Each request first catches up with the settings other workers may have changed (at most one query
        # every REFRESH_S), so what it writes takes the clock every worker shares; then it counts in its
        # portal's daily API usage (account info's), before its handler runs.
        control.state.refresh()
        principal = services.auth.authenticate(authorization)
        control.usage.count(principal.portal_id)
        return principal

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
    # The webhooks journal, its signed file links (under /_localspot, so before the admin API's mount) too.
    journal_api = Api(JournalAccess(services.database).authenticate, threaded=threaded, max_body_bytes=1024 * 1024)
    routes.extend(
        journal_routes.routes(
            journal_api, control.journal_subscriptions, control.journal_reads, control.journal_snapshots
        )
    )
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
            RecordRestore(services.database, services.lifecycle),
        )
        admin.extend(app_admin_routes.routes(admin_api, control.apps, control.webhooks))
        # Before the admin API's mount, which takes every path under /_localspot.
        routes.extend(inspector(services, control, threaded=threaded))
        routes.extend(under_prefixes([(admin, ("/_localspot",))]))
    routes.extend(oauth_routes.routes(control.oauth, threaded=threaded))
    webhooks_api = Api(lambda authorization: authorization, threaded=threaded, max_body_bytes=settings.max_body_bytes)
    routes.extend(webhook_routes.routes(webhooks_api, control.webhooks))
    # Timeline templates belong to apps: their calls check the app's developer key, as the webhook settings do.
    templates = TimelineTemplates(services.database, services.schemas.catalog, control.webhooks.app_for)
    timeline_routes = timeline.routes(api, webhooks_api, services.timeline_events, templates)
    routes.extend(
        under_prefixes([(timeline_routes, versioned(("/integrators/timeline/v3", "/integrators/timeline/{version}")))])
    )
    # App extensions: an app's settings (its developer key, checked by the webhooks' app lookup), what it writes
    # into an account (the account's token), and its uninstall (the install's OAuth token). With the areas, in
    # one set of mounts: `/crm/v3/extensions/...` is matched before the schemas' `/crm/v3`.
    database = services.database
    extensions = extension_routes.Extensions(
        control.webhooks.app_for,
        AppSettings(database),
        FeatureFlags(database),
        CrmCards(database),
        CallExtensions(database, services.records, services.record_reads, services.search),
        control.apps,
    )
    served = [(build(api, services), prefixes) for build, prefixes in AREAS]
    served.extend(extension_routes.areas(api, webhooks_api, extensions))
    routes.extend(under_prefixes([(area, versioned(prefixes)) for area, prefixes in served]))
    # Account info reports what the rate limits counted: handed in here, so the area needs no control plane.
    account = AccountInfoService(services.database, control.usage.daily, TIERS["enterprise"]["daily"])
    routes.extend(
        under_prefixes(
            [(account_info.routes(api, account), versioned(("/account-info/v3", "/account-info/{version}")))]
        )
    )
    runner = services.import_runner

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        # Background work of this process: imports left to run (its own, and those of a process that died),
        # and the webhook delivery worker (each worker process has its own of both).
        runner.start()
        control.deliveries.start()
        control.usage.start()
        try:
            yield
        finally:
            await run_in_threadpool(control.usage.stop)
            await run_in_threadpool(control.deliveries.stop)
            runner.stop()

    starlette = Starlette(exception_handlers={HTTPException: http_error, Exception: unexpected})
    # The same routes and lifespan, in a router that tries only the routes a path's first segments allow.
    starlette.router = IndexedRouter(routes, lifespan=lifespan)
    return TrafficGate(
        starlette,
        state=control.state,
        faults=control.faults,
        rate_limits=control.rate_limits,
        journal=control.journal,
        authenticate=services.auth.authenticate,
        threaded=threaded,
    )
