"""Which scopes each operation accepts: ONE table, from the `security` of each operation in HubSpot's public
API specs (HubSpot/HubSpot-public-api-spec-collection: CRM Properties, Pipelines, Associations v4, Associations
Schema v4, Schemas, Owners, Lists, Imports, Exports, Limits Tracking and Account Info, v3/v4 and the
date-versioned 2026-03 files, which list the same scopes). Any one accepted scope suffices, as in the spec's
`security` alternatives. Every `Principal.require` goes through it.

The specs list every object type's scopes together for an operation on `{objectType}`; HubSpot's own 403s name
only the path's type (`crm.schemas.deals.read`, `crm.objects.deals.read`, ... for deals). So an operation on one
object type accepts the listed scopes that name that type, or a family the type's own object scopes belong to
(tasks are filed under contacts, products under `e-commerce`), and those that name no type (`automation`,
`timeline`). Record operations take the type's own scopes (`readScopes`/`writeScopes` of
the type's definition, from each object's spec). docs/decisions.md, "Scopes", has the rest.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass

from localspot.kernel.schema import ObjectType


def _scopes(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Record scopes listed both for property and pipeline reads and for every association operation.
_RECORD_SCOPES_LISTED_TWICE = _scopes(
    """
    crm.objects.appointments.read crm.objects.appointments.sensitive.read.v2
    crm.objects.appointments.sensitive.write.v2 crm.objects.appointments.write crm.objects.calls.read
    crm.objects.carts.read crm.objects.commercepayments.write crm.objects.companies.highly_sensitive.read.v2
    crm.objects.companies.highly_sensitive.write.v2 crm.objects.companies.read
    crm.objects.companies.sensitive.read.v2 crm.objects.companies.sensitive.write.v2 crm.objects.companies.write
    crm.objects.contacts.highly_sensitive.read.v2 crm.objects.contacts.highly_sensitive.write.v2
    crm.objects.contacts.read crm.objects.contacts.sensitive.read.v2 crm.objects.contacts.sensitive.write.v2
    crm.objects.contacts.write crm.objects.courses.read crm.objects.courses.write
    crm.objects.custom.highly_sensitive.read.v2 crm.objects.custom.highly_sensitive.write.v2
    crm.objects.custom.read crm.objects.custom.sensitive.read.v2 crm.objects.custom.sensitive.write.v2
    crm.objects.custom.write crm.objects.deals.highly_sensitive.read.v2
    crm.objects.deals.highly_sensitive.write.v2 crm.objects.deals.read crm.objects.deals.sensitive.read.v2
    crm.objects.deals.sensitive.write.v2 crm.objects.deals.write crm.objects.emails.read crm.objects.goals.read
    crm.objects.goals.write crm.objects.invoices.read crm.objects.invoices.write crm.objects.leads.read
    crm.objects.leads.write crm.objects.line_items.read crm.objects.line_items.write crm.objects.listings.read
    crm.objects.listings.write crm.objects.meetings.read crm.objects.notes.read crm.objects.orders.read
    crm.objects.products.write crm.objects.projects.highly_sensitive.read
    crm.objects.projects.highly_sensitive.write crm.objects.projects.read crm.objects.projects.sensitive.read
    crm.objects.projects.sensitive.write crm.objects.projects.write crm.objects.quotes.read
    crm.objects.quotes.write crm.objects.services.read crm.objects.services.write crm.objects.subscriptions.read
    crm.objects.subscriptions.write crm.objects.tasks.read crm.objects.tickets.highly_sensitive.read
    crm.objects.tickets.sensitive.read crm.objects.users.read e-commerce media_bridge.read tickets
    tickets.highly_sensitive.v2 tickets.sensitive.v2
"""
)
# GET, batch/read of properties, property groups and pipelines (and their stages and audits).
_CRM_SCHEMA_READS = _RECORD_SCOPES_LISTED_TWICE | _scopes(
    """
    automation cpq.quotes.read cpq.quotes.write crm.objects.feedback_submissions.read
    crm.objects.marketing_events.read crm.objects.marketing_events.write crm.objects.owners.read
    crm.pipelines.orders.read crm.schemas.appointments.read crm.schemas.calls.read crm.schemas.carts.read
    crm.schemas.commercepayments.read crm.schemas.companies.read crm.schemas.contacts.read
    crm.schemas.courses.read crm.schemas.custom.read crm.schemas.deals.read crm.schemas.emails.read
    crm.schemas.invoices.read crm.schemas.line_items.read crm.schemas.listings.read crm.schemas.meetings.read
    crm.schemas.notes.read crm.schemas.orders.read crm.schemas.projects.read crm.schemas.quotes.read
    crm.schemas.services.read crm.schemas.subscriptions.read crm.schemas.tasks.read crm.schemas.tickets.read
    timeline
"""
)
# POST, PATCH, DELETE, batch/create and batch/archive of properties, groups, pipelines and stages.
_CRM_SCHEMA_WRITES = _scopes(
    """
    crm.objects.carts.write crm.objects.orders.write crm.objects.tickets.highly_sensitive.write
    crm.objects.tickets.sensitive.write crm.objects.users.write crm.pipelines.orders.write
    crm.schemas.appointments.write crm.schemas.carts.write crm.schemas.commercepayments.write
    crm.schemas.companies.write crm.schemas.contacts.write crm.schemas.courses.write crm.schemas.custom.write
    crm.schemas.deals.write crm.schemas.invoices.write crm.schemas.listings.write crm.schemas.orders.write
    crm.schemas.projects.write crm.schemas.quotes.write crm.schemas.services.write
    crm.schemas.subscriptions.write crm.schemas.tickets.write e-commerce tickets tickets.highly_sensitive.v2
    tickets.sensitive.v2
"""
)
# Every operation of Associations v4 (records and batches) and of Associations Schema v4 (labels, limits).
_ASSOCIATIONS = _RECORD_SCOPES_LISTED_TWICE | _scopes(
    """
    crm.objects.carts.write crm.objects.commercepayments.read crm.objects.orders.write
    crm.objects.partner-clients.read crm.objects.partner-clients.write crm.objects.partner-services.read
    crm.objects.partner-services.write crm.objects.products.read crm.objects.tickets.highly_sensitive.write
    crm.objects.tickets.sensitive.write crm.objects.users.write
"""
)
_CUSTOM_SCHEMA_READS = _scopes(
    "crm.objects.custom.highly_sensitive.read.v2 crm.objects.custom.read crm.objects.custom.sensitive.read.v2 "
    "crm.schemas.custom.read"
)
_CUSTOM_SCHEMA_WRITES = _scopes("crm.schemas.custom.write")
_OWNER_READS = _scopes("automation crm.objects.owners.read")
# Lists: reads need `crm.lists.read`; writes accept `crm.lists.write` or the access-groups scope (the spec
# also asks writes other than create for `crm.lists.read` beside it: docs/decisions.md, "Lists").
_LIST_READS = _scopes("crm.lists.read")
_LIST_WRITES = _scopes("crm.lists.write cms.membership.access_groups.write")
_IMPORTS = _scopes("crm.import")
_EXPORTS = _scopes("crm.export")
# Forecast settings (the Forecast Types spec).
_FORECAST_TYPE_READS = _scopes("forecast-read forecasting-access")
# Deal splits: one scope reads and writes them.
_DEAL_SPLITS = _scopes("crm.dealsplits.read_write")
# Cancel, pause and unpause a commerce subscription.
_SUBSCRIPTION_LIFECYCLE = _scopes("crm.objects.subscriptions.write crm.schemas.subscriptions.write")
# Limits tracking: every report takes the association operations' scopes (the spec lists the same 80); the
# custom object types report only the custom object and schema scopes, reads and writes alike.
_LIMITS = _ASSOCIATIONS
_CUSTOM_OBJECT_LIMITS = _CUSTOM_SCHEMA_READS | _scopes(
    "crm.objects.custom.highly_sensitive.write.v2 crm.objects.custom.sensitive.write.v2 crm.objects.custom.write "
    "crm.schemas.custom.write"
)
_ACCOUNT_INFO = _scopes("oauth")
# Calling extensions and transcriptions (app extensions writing into the account).
_CALL_TRANSCRIPTS_READ = _scopes("crm.extensions_calling_transcripts.read")
_CALL_TRANSCRIPTS_WRITE = _scopes("crm.extensions_calling_transcripts.write")
_CALLS_INBOUND = _scopes(
    "crm.objects.contacts.highly_sensitive.write.v2 crm.objects.contacts.sensitive.write.v2 crm.objects.contacts.write "
    "crm.schemas.contacts.write"
)
_CALLING_CONNECTIONS = _scopes("automation crm.objects.owners.read")
# The marketing forms' definitions (their legacy property list: localspot serves no forms).
_FORMS_READ = _scopes("forms")


class Operation(enum.Enum):
    OBJECTS_READ = "objects.read"
    OBJECTS_WRITE = "objects.write"
    PROPERTIES_READ = "properties.read"
    PROPERTIES_WRITE = "properties.write"
    PIPELINES_READ = "pipelines.read"
    PIPELINES_WRITE = "pipelines.write"
    ASSOCIATIONS_READ = "associations.read"
    ASSOCIATIONS_WRITE = "associations.write"
    ASSOCIATION_SCHEMA_READ = "association-schema.read"
    ASSOCIATION_SCHEMA_WRITE = "association-schema.write"
    SCHEMAS_READ = "schemas.read"
    SCHEMAS_WRITE = "schemas.write"
    OWNERS_READ = "owners.read"
    LISTS_READ = "lists.read"
    LISTS_WRITE = "lists.write"
    IMPORTS = "imports"
    EXPORTS = "exports"
    FORECAST_TYPES_READ = "forecast-types.read"
    OBJECT_LIBRARY_READ = "object-library.read"
    DEAL_SPLITS = "deal-splits"
    SUBSCRIPTION_LIFECYCLE = "subscription-lifecycle"
    LIMITS_READ = "limits.read"
    CUSTOM_OBJECT_LIMITS_READ = "custom-object-limits.read"
    ACCOUNT_INFO_READ = "account-info.read"
    CALL_TRANSCRIPTS_READ = "call-transcripts.read"
    CALL_TRANSCRIPTS_WRITE = "call-transcripts.write"
    CALLS_INBOUND = "calls.inbound"
    CALLING_CONNECTIONS_READ = "calling-connections.read"
    FORMS_READ = "forms.read"


@dataclass(frozen=True)
class _Rule:
    # The spec's alternatives; None: the object type's own record scopes.
    listed: frozenset[str] | None
    write: bool


TABLE: dict[Operation, _Rule] = {
    Operation.OBJECTS_READ: _Rule(None, write=False),
    Operation.OBJECTS_WRITE: _Rule(None, write=True),
    Operation.PROPERTIES_READ: _Rule(_CRM_SCHEMA_READS, write=False),
    Operation.PROPERTIES_WRITE: _Rule(_CRM_SCHEMA_WRITES, write=True),
    Operation.PIPELINES_READ: _Rule(_CRM_SCHEMA_READS, write=False),
    Operation.PIPELINES_WRITE: _Rule(_CRM_SCHEMA_WRITES, write=True),
    Operation.ASSOCIATIONS_READ: _Rule(_ASSOCIATIONS, write=False),
    Operation.ASSOCIATIONS_WRITE: _Rule(_ASSOCIATIONS, write=True),
    Operation.ASSOCIATION_SCHEMA_READ: _Rule(_ASSOCIATIONS, write=False),
    Operation.ASSOCIATION_SCHEMA_WRITE: _Rule(_ASSOCIATIONS, write=True),
    Operation.SCHEMAS_READ: _Rule(_CUSTOM_SCHEMA_READS, write=False),
    Operation.SCHEMAS_WRITE: _Rule(_CUSTOM_SCHEMA_WRITES, write=True),
    Operation.OWNERS_READ: _Rule(_OWNER_READS, write=False),
    Operation.LISTS_READ: _Rule(_LIST_READS, write=False),
    Operation.LISTS_WRITE: _Rule(_LIST_WRITES, write=True),
    Operation.IMPORTS: _Rule(_IMPORTS, write=True),
    Operation.EXPORTS: _Rule(_EXPORTS, write=False),
    Operation.FORECAST_TYPES_READ: _Rule(_FORECAST_TYPE_READS, write=False),
    # The object library spec lists exactly the association specs' scopes.
    Operation.OBJECT_LIBRARY_READ: _Rule(_ASSOCIATIONS, write=False),
    Operation.DEAL_SPLITS: _Rule(_DEAL_SPLITS, write=True),
    Operation.SUBSCRIPTION_LIFECYCLE: _Rule(_SUBSCRIPTION_LIFECYCLE, write=True),
    Operation.LIMITS_READ: _Rule(_LIMITS, write=False),
    Operation.CUSTOM_OBJECT_LIMITS_READ: _Rule(_CUSTOM_OBJECT_LIMITS, write=False),
    Operation.ACCOUNT_INFO_READ: _Rule(_ACCOUNT_INFO, write=False),
    Operation.CALL_TRANSCRIPTS_READ: _Rule(_CALL_TRANSCRIPTS_READ, write=False),
    Operation.CALL_TRANSCRIPTS_WRITE: _Rule(_CALL_TRANSCRIPTS_WRITE, write=True),
    Operation.CALLS_INBOUND: _Rule(_CALLS_INBOUND, write=True),
    Operation.CALLING_CONNECTIONS_READ: _Rule(_CALLING_CONNECTIONS, write=False),
    Operation.FORMS_READ: _Rule(_FORMS_READ, write=False),
}

# Scopes that name no object type: accepted for every type where the spec lists them.
_UNTYPED = frozenset({"automation", "timeline", "oauth"})


def accepted(operation: Operation, object_type: ObjectType | None = None) -> tuple[str, ...]:
    """The scopes `operation` accepts, on `object_type` where the path names one (sorted; empty only for a
    write to a type that names no write scope)."""
    if object_type is None:
        return _accepted(operation, None, (), ())
    return _accepted(operation, object_type.name, object_type.read_scopes, object_type.write_scopes)


@functools.cache
def _accepted(
    operation: Operation, type_name: str | None, read_scopes: tuple[str, ...], write_scopes: tuple[str, ...]
) -> tuple[str, ...]:
    rule = TABLE[operation]
    own = set(write_scopes if rule.write else read_scopes)
    if rule.listed is None:
        scopes = own
    else:
        scopes = set(rule.listed)
        if type_name is not None:
            names = {type_name, *(_subject(s) for s in (*read_scopes, *write_scopes))}
            scopes = {s for s in scopes if _subject(s) in names or _subject(s) in _UNTYPED}
            if not any(_subject(s) in names for s in scopes):
                # The spec lists no scope naming this type (contracts' property reads, leads' property
                # writes): the type's own record scopes stand in for one.
                scopes |= own
        if rule.write:
            # The association specs list read scopes on writes too; a read-only scope never writes here.
            scopes = {s for s in scopes if not _reads_only(s)}
    if not scopes and type_name is None:
        raise LookupError(f"no scope accepted for {operation.value}")
    # Empty only for a write to a type with no write scope (feedback submissions): a 403 for every token.
    return tuple(sorted(scopes))


def _subject(scope: str) -> str:
    """What a scope is about: the object type of `crm.objects.deals.read` or `cpq.quotes.read`, else its
    first word (`tickets.sensitive.v2` → tickets, `e-commerce`, `automation`)."""
    parts = scope.split(".")
    if parts[0] == "crm" and len(parts) > 2:
        return parts[2]
    if parts[0] == "cpq" and len(parts) > 1:
        return parts[1]
    return parts[0]


def _reads_only(scope: str) -> bool:
    parts = scope.replace("-", ".").split(".")
    return "read" in parts and "write" not in parts
