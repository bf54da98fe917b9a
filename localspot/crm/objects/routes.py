"""`/crm/v3/objects/{objectType}/…` and its date-versioned twin."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from localspot.crm.objects.inputs import (
    BatchArchive,
    BatchCreate,
    BatchRead,
    BatchUpdate,
    CreateInput,
    GdprDeleteInput,
    MergeInput,
    ObjectInput,
)
from localspot.crm.objects.lifecycle import RecordLifecycle
from localspot.crm.objects.reads import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ReadOptions, RecordReads
from localspot.crm.objects.service import RecordService
from localspot.kernel.portals.principal import Principal
from localspot.kernel.web.api import Api, Outcome
from localspot.kernel.web.params import query_bool, query_int, query_list

Endpoint = Callable[[Request], Awaitable[Response]]


def read_options(request: Request) -> ReadOptions:
    return ReadOptions(
        properties=query_list(request, "properties"),
        history=query_list(request, "propertiesWithHistory"),
        associations=query_list(request, "associations"),
    )


def with_body(api: Api, run: Callable[[Principal, str, Any], Outcome], body_type: type) -> Endpoint:
    """An endpoint that decodes `body_type` and runs `run(principal, objectType, body)`."""

    async def endpoint(request: Request) -> Response:
        type_name = request.path_params["objectType"]
        return await api.respond(request, lambda principal, body: run(principal, type_name, body), body=body_type)

    return endpoint


def routes(api: Api, records: RecordService, reads: RecordReads, lifecycle: RecordLifecycle) -> list[BaseRoute]:

    create = with_body(api, records.create, CreateInput)

    async def collection(request: Request) -> Response:
        type_name = request.path_params["objectType"]
        if request.method == "POST":
            return await create(request)
        return await api.respond(
            request,
            lambda principal: reads.list(
                principal,
                type_name,
                read_options(request),
                limit=query_int(request, "limit", DEFAULT_PAGE_SIZE, minimum=1, maximum=MAX_PAGE_SIZE),
                after=request.query_params.get("after"),
                archived=query_bool(request, "archived"),
            ),
        )

    async def single(request: Request) -> Response:
        type_name, object_id = request.path_params["objectType"], request.path_params["objectId"]
        id_property = request.query_params.get("idProperty") or None
        if request.method == "PATCH":
            return await api.respond(
                request,
                lambda principal, body: records.update(
                    principal, type_name, object_id, body.properties, id_property=id_property
                ),
                body=ObjectInput,
            )
        if request.method == "DELETE":
            return await api.respond(request, lambda principal: records.archive(principal, type_name, object_id))
        return await api.respond(
            request,
            lambda principal: reads.get(
                principal,
                type_name,
                object_id,
                read_options(request),
                id_property=id_property,
                archived=query_bool(request, "archived"),
            ),
        )

    async def batch_read(request: Request) -> Response:
        type_name = request.path_params["objectType"]
        return await api.respond(
            request,
            lambda principal, body: reads.batch_read(
                principal, type_name, body, archived=query_bool(request, "archived")
            ),
            body=BatchRead,
        )

    batch_create = with_body(api, lambda p, t, body: records.batch_create(p, t, body.inputs).response(201), BatchCreate)
    batch_update = with_body(api, lambda p, t, body: records.batch_update(p, t, body.inputs).response(200), BatchUpdate)
    batch_upsert = with_body(api, lambda p, t, body: records.batch_upsert(p, t, body.inputs).response(200), BatchUpdate)
    batch_archive = with_body(
        api, lambda p, t, body: records.batch_archive(p, t, [item.id for item in body.inputs]), BatchArchive
    )
    merge = with_body(api, lifecycle.merge, MergeInput)
    gdpr_delete = with_body(api, lifecycle.gdpr_delete, GdprDeleteInput)

    return [
        Route("/{objectType}", collection, methods=["GET", "POST"]),
        Route("/{objectType}/batch/create", batch_create, methods=["POST"]),
        Route("/{objectType}/batch/read", batch_read, methods=["POST"]),
        Route("/{objectType}/batch/update", batch_update, methods=["POST"]),
        Route("/{objectType}/batch/upsert", batch_upsert, methods=["POST"]),
        Route("/{objectType}/batch/archive", batch_archive, methods=["POST"]),
        Route("/{objectType}/merge", merge, methods=["POST"]),
        Route("/{objectType}/gdpr-delete", gdpr_delete, methods=["POST"]),
        Route("/{objectType}/{objectId}", single, methods=["GET", "PATCH", "DELETE"]),
    ]
