"""`/crm/v3/objects/{objectType}/…` and its date-versioned twin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
from localspot.kernel.web.api import Api, Call, Handler, Outcome
from localspot.kernel.web.params import Query


def read_options(query: Query) -> ReadOptions:
    return ReadOptions(
        properties=query.values("properties"),
        history=query.values("propertiesWithHistory"),
        associations=query.values("associations"),
    )


def with_body(run: Callable[[Principal, str, Any], Outcome], body_type: type) -> Handler:
    """A handler that decodes `body_type` and runs `run(principal, objectType, body)`."""

    def handle(call: Call) -> Outcome:
        return run(call.principal, call.path["objectType"], call.body(body_type))

    return handle


def routes(api: Api, records: RecordService, reads: RecordReads, lifecycle: RecordLifecycle) -> list[BaseRoute]:

    create = with_body(records.create, CreateInput)

    def collection(call: Call) -> Outcome:
        if call.method == "POST":
            return create(call)
        return reads.list(
            call.principal,
            call.path["objectType"],
            read_options(call.query),
            limit=call.query.integer("limit", DEFAULT_PAGE_SIZE, minimum=1, maximum=MAX_PAGE_SIZE),
            after=call.query.text("after"),
            archived=call.query.flag("archived"),
        )

    def single(call: Call) -> Outcome:
        type_name, object_id = call.path["objectType"], call.path["objectId"]
        id_property = call.query.text("idProperty")
        if call.method == "PATCH":
            body = call.body(ObjectInput)
            return records.update(call.principal, type_name, object_id, body.properties, id_property=id_property)
        if call.method == "DELETE":
            return records.archive(call.principal, type_name, object_id)
        return reads.get(
            call.principal,
            type_name,
            object_id,
            read_options(call.query),
            id_property=id_property,
            archived=call.query.flag("archived"),
        )

    def batch_read(call: Call) -> Outcome:
        archived = call.query.flag("archived")
        return reads.batch_read(call.principal, call.path["objectType"], call.body(BatchRead), archived=archived)

    batch_create = with_body(lambda p, t, body: records.batch_create(p, t, body.inputs).response(201), BatchCreate)
    batch_update = with_body(lambda p, t, body: records.batch_update(p, t, body.inputs).response(200), BatchUpdate)
    batch_upsert = with_body(lambda p, t, body: records.batch_upsert(p, t, body.inputs).response(200), BatchUpdate)
    batch_archive = with_body(
        lambda p, t, body: records.batch_archive(p, t, [item.id for item in body.inputs]), BatchArchive
    )
    merge = with_body(lifecycle.merge, MergeInput)
    gdpr_delete = with_body(lifecycle.gdpr_delete, GdprDeleteInput)

    return [
        Route("/{objectType}", api.endpoint(collection), methods=["GET", "POST"]),
        Route("/{objectType}/batch/create", api.endpoint(batch_create), methods=["POST"]),
        Route("/{objectType}/batch/read", api.endpoint(batch_read), methods=["POST"]),
        Route("/{objectType}/batch/update", api.endpoint(batch_update), methods=["POST"]),
        Route("/{objectType}/batch/upsert", api.endpoint(batch_upsert), methods=["POST"]),
        Route("/{objectType}/batch/archive", api.endpoint(batch_archive), methods=["POST"]),
        Route("/{objectType}/merge", api.endpoint(merge), methods=["POST"]),
        Route("/{objectType}/gdpr-delete", api.endpoint(gdpr_delete), methods=["POST"]),
        Route("/{objectType}/{objectId}", api.endpoint(single), methods=["GET", "PATCH", "DELETE"]),
    ]
