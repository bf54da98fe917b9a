"""The associations APIs: v4 batch and schema (`/crm/v4/associations`, `/crm/associations/v4`,
`/crm/associations/2026-03`), v4 record associations (`/crm/v4/objects`) and v3 (`/crm/v3/associations`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.routing import BaseRoute, Route

from localspot.crm.associations.inputs import (
    AssociationSpec,
    BatchArchive,
    BatchDefault,
    BatchFetch,
    BatchLabeled,
    BatchLimits,
    BatchTypeKeys,
    LabelCreate,
    LabelUpdate,
    V3BatchIds,
    V3BatchPairs,
)
from localspot.crm.associations.labels import AssociationLabelService
from localspot.crm.associations.service import PAGE_SIZE, AssociationService
from localspot.crm.associations.usage import AssociationUsageService
from localspot.kernel.web.api import Api, Call, Handler, Outcome


def _types(call: Call) -> tuple[str, str]:
    return call.path["fromObjectType"], call.path["toObjectType"]


def _pair_batch(method: Callable[..., Any], body: type) -> Handler:
    """A batch between two object types: `method(principal, fromType, toType, body.inputs)`."""

    def handle(call: Call) -> Outcome:
        return method(call.principal, *_types(call), call.body(body).inputs)

    return handle


def routes(
    api: Api, associations: AssociationService, labels: AssociationLabelService, usage: AssociationUsageService
) -> list[BaseRoute]:
    """Batch, labels, limits and the usage report, relative to each v4 associations prefix."""

    def batch(operation: str, body: type) -> Route:
        return Route(
            f"/{{fromObjectType}}/{{toObjectType}}/batch/{_BATCH_PATHS[operation]}",
            api.endpoint(_pair_batch(getattr(associations, operation), body)),
            methods=["POST"],
        )

    def label_collection(call: Call) -> Outcome:
        from_type, to_type = _types(call)
        if call.method == "POST":
            return labels.create(call.principal, from_type, to_type, call.body(LabelCreate))
        if call.method == "PUT":
            return labels.update(call.principal, from_type, to_type, call.body(LabelUpdate))
        return labels.list(call.principal, from_type, to_type)

    def label_single(call: Call) -> Outcome:
        return labels.delete(call.principal, *_types(call), call.path["associationTypeId"])

    def limits_all(call: Call) -> Outcome:
        return labels.limits_all(call.principal)

    def limits_pair(call: Call) -> Outcome:
        return labels.limits_pair(call.principal, *_types(call))

    def limits_batch(operation: str, body: type) -> Route:
        return Route(
            f"/definitions/configurations/{{fromObjectType}}/{{toObjectType}}/batch/{operation}",
            api.endpoint(_pair_batch(getattr(labels, f"limits_{operation}"), body)),
            methods=["POST"],
        )

    def high_usage_report(call: Call) -> Outcome:
        return usage.high_usage_report(call.principal, call.path["userId"])

    return [
        Route("/usage/high-usage-report/{userId}", api.endpoint(high_usage_report), methods=["POST"]),
        Route("/definitions/configurations/all", api.endpoint(limits_all), methods=["GET"]),
        Route(
            "/definitions/configurations/{fromObjectType}/{toObjectType}", api.endpoint(limits_pair), methods=["GET"]
        ),
        limits_batch("create", BatchLimits),
        limits_batch("update", BatchLimits),
        limits_batch("purge", BatchTypeKeys),
        batch("batch_default", BatchDefault),
        batch("batch_create", BatchLabeled),
        batch("batch_read", BatchFetch),
        batch("batch_archive", BatchArchive),
        batch("batch_archive_labels", BatchLabeled),
        Route(
            "/{fromObjectType}/{toObjectType}/labels", api.endpoint(label_collection), methods=["GET", "POST", "PUT"]
        ),
        Route(
            "/{fromObjectType}/{toObjectType}/labels/{associationTypeId}",
            api.endpoint(label_single),
            methods=["DELETE"],
        ),
    ]


_BATCH_PATHS = {
    "batch_default": "associate/default",
    "batch_create": "create",
    "batch_read": "read",
    "batch_archive": "archive",
    "batch_archive_labels": "labels/archive",
}


def record_routes(api: Api, associations: AssociationService) -> list[BaseRoute]:
    """v4 associations of one record, relative to `/crm/v4/objects`."""

    def pair_of(call: Call) -> tuple[str, str, str, str]:
        p = call.path
        return p["objectType"], p["objectId"], p["toObjectType"], p["toObjectId"]

    def create_default(call: Call) -> Outcome:
        return associations.create_default(call.principal, *pair_of(call))

    def pair(call: Call) -> Outcome:
        if call.method == "DELETE":
            return associations.archive(call.principal, *pair_of(call))
        return associations.create_labeled(call.principal, *pair_of(call), call.body(list[AssociationSpec]))

    def listing(call: Call) -> Outcome:
        p = call.path
        return associations.list(
            call.principal,
            p["objectType"],
            p["objectId"],
            p["toObjectType"],
            after=call.query.text("after"),
            limit=call.query.integer("limit", PAGE_SIZE, minimum=1, maximum=PAGE_SIZE),
        )

    return [
        Route(
            "/{objectType}/{objectId}/associations/default/{toObjectType}/{toObjectId}",
            api.endpoint(create_default),
            methods=["PUT"],
        ),
        Route(
            "/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}",
            api.endpoint(pair),
            methods=["PUT", "DELETE"],
        ),
        Route("/{objectType}/{objectId}/associations/{toObjectType}", api.endpoint(listing), methods=["GET"]),
    ]


def v3_routes(api: Api, associations: AssociationService) -> list[BaseRoute]:
    """v3 associations, relative to `/crm/v3/associations`."""

    def types(call: Call) -> Outcome:
        return associations.v3_types(call.principal, *_types(call))

    def batch(operation: str, method_name: str, body: type) -> Route:
        return Route(
            f"/{{fromObjectType}}/{{toObjectType}}/batch/{operation}",
            api.endpoint(_pair_batch(getattr(associations, method_name), body)),
            methods=["POST"],
        )

    return [
        Route("/{fromObjectType}/{toObjectType}/types", api.endpoint(types), methods=["GET"]),
        batch("create", "v3_batch_create", V3BatchPairs),
        batch("read", "v3_batch_read", V3BatchIds),
        batch("archive", "v3_batch_archive", V3BatchPairs),
    ]
