"""The associations APIs: v4 batch and schema (`/crm/v4/associations`, `/crm/associations/v4`,
`/crm/associations/2026-03`), v4 record associations (`/crm/v4/objects`) and v3 (`/crm/v3/associations`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
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
from localspot.kernel.web.api import Api
from localspot.kernel.web.params import query_int


def _types(request: Request) -> tuple[str, str]:
    return request.path_params["fromObjectType"], request.path_params["toObjectType"]


def routes(api: Api, associations: AssociationService, labels: AssociationLabelService) -> list[BaseRoute]:
    """Batch, labels and limits, relative to each v4 associations prefix."""

    def batch(operation: str, body: type) -> Route:
        async def endpoint(request: Request) -> Response:
            from_type, to_type = _types(request)
            method = getattr(associations, operation)
            return await api.respond(
                request, lambda principal, decoded: method(principal, from_type, to_type, decoded.inputs), body=body
            )

        return Route(
            f"/{{fromObjectType}}/{{toObjectType}}/batch/{_BATCH_PATHS[operation]}", endpoint, methods=["POST"]
        )

    async def label_collection(request: Request) -> Response:
        from_type, to_type = _types(request)
        if request.method == "POST":
            return await api.respond(
                request, lambda principal, body: labels.create(principal, from_type, to_type, body), body=LabelCreate
            )
        if request.method == "PUT":
            return await api.respond(
                request, lambda principal, body: labels.update(principal, from_type, to_type, body), body=LabelUpdate
            )
        return await api.respond(request, lambda principal: labels.list(principal, from_type, to_type))

    async def label_single(request: Request) -> Response:
        from_type, to_type = _types(request)
        type_id = request.path_params["associationTypeId"]
        return await api.respond(request, lambda principal: labels.delete(principal, from_type, to_type, type_id))

    async def limits_all(request: Request) -> Response:
        return await api.respond(request, labels.limits_all)

    async def limits_pair(request: Request) -> Response:
        from_type, to_type = _types(request)
        return await api.respond(request, lambda principal: labels.limits_pair(principal, from_type, to_type))

    def limits_batch(operation: str, body: type) -> Route:
        async def endpoint(request: Request) -> Response:
            from_type, to_type = _types(request)
            method = getattr(labels, f"limits_{operation}")
            return await api.respond(
                request, lambda principal, decoded: method(principal, from_type, to_type, decoded.inputs), body=body
            )

        return Route(
            f"/definitions/configurations/{{fromObjectType}}/{{toObjectType}}/batch/{operation}",
            endpoint,
            methods=["POST"],
        )

    return [
        Route("/definitions/configurations/all", limits_all, methods=["GET"]),
        Route("/definitions/configurations/{fromObjectType}/{toObjectType}", limits_pair, methods=["GET"]),
        limits_batch("create", BatchLimits),
        limits_batch("update", BatchLimits),
        limits_batch("purge", BatchTypeKeys),
        batch("batch_default", BatchDefault),
        batch("batch_create", BatchLabeled),
        batch("batch_read", BatchFetch),
        batch("batch_archive", BatchArchive),
        batch("batch_archive_labels", BatchLabeled),
        Route("/{fromObjectType}/{toObjectType}/labels", label_collection, methods=["GET", "POST", "PUT"]),
        Route("/{fromObjectType}/{toObjectType}/labels/{associationTypeId}", label_single, methods=["DELETE"]),
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

    async def create_default(request: Request) -> Response:
        p = request.path_params
        return await api.respond(
            request,
            lambda principal: associations.create_default(
                principal, p["objectType"], p["objectId"], p["toObjectType"], p["toObjectId"]
            ),
        )

    async def pair(request: Request) -> Response:
        p = request.path_params
        args = (p["objectType"], p["objectId"], p["toObjectType"], p["toObjectId"])
        if request.method == "DELETE":
            return await api.respond(request, lambda principal: associations.archive(principal, *args))
        return await api.respond(
            request,
            lambda principal, specs: associations.create_labeled(principal, *args, specs),
            body=list[AssociationSpec],
        )

    async def listing(request: Request) -> Response:
        p = request.path_params
        return await api.respond(
            request,
            lambda principal: associations.list(
                principal,
                p["objectType"],
                p["objectId"],
                p["toObjectType"],
                after=request.query_params.get("after"),
                limit=query_int(request, "limit", PAGE_SIZE, minimum=1, maximum=PAGE_SIZE),
            ),
        )

    return [
        Route(
            "/{objectType}/{objectId}/associations/default/{toObjectType}/{toObjectId}",
            create_default,
            methods=["PUT"],
        ),
        Route("/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}", pair, methods=["PUT", "DELETE"]),
        Route("/{objectType}/{objectId}/associations/{toObjectType}", listing, methods=["GET"]),
    ]


def v3_routes(api: Api, associations: AssociationService) -> list[BaseRoute]:
    """v3 associations, relative to `/crm/v3/associations`."""

    async def types(request: Request) -> Response:
        from_type, to_type = _types(request)
        return await api.respond(request, lambda principal: associations.v3_types(principal, from_type, to_type))

    def batch(operation: str, method_name: str, body: type) -> Route:
        async def endpoint(request: Request) -> Response:
            from_type, to_type = _types(request)
            method = getattr(associations, method_name)
            return await api.respond(
                request, lambda principal, decoded: method(principal, from_type, to_type, decoded.inputs), body=body
            )

        return Route(f"/{{fromObjectType}}/{{toObjectType}}/batch/{operation}", endpoint, methods=["POST"])

    return [
        Route("/{fromObjectType}/{toObjectType}/types", types, methods=["GET"]),
        batch("create", "v3_batch_create", V3BatchPairs),
        batch("read", "v3_batch_read", V3BatchIds),
        batch("archive", "v3_batch_archive", V3BatchPairs),
    ]
