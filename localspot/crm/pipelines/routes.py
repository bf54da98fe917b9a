"""`/crm/v3/pipelines/{objectType}/…` and its date-versioned twin."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from localspot.crm.pipelines.inputs import PipelineInput, PipelinePatch, StageInput, StagePatch
from localspot.crm.pipelines.service import PipelineService
from localspot.kernel.web.api import Api
from localspot.kernel.web.params import query_bool


def _validate(request: Request) -> bool:
    return query_bool(request, "validateReferencesBeforeDelete") or query_bool(
        request, "validateDealStageUsagesBeforeDelete"
    )


def routes(api: Api, pipelines: PipelineService) -> list[BaseRoute]:

    async def collection(request: Request) -> Response:
        type_name = request.path_params["objectType"]
        if request.method == "POST":
            return await api.respond(
                request, lambda principal, body: pipelines.create(principal, type_name, body), body=PipelineInput
            )
        return await api.respond(request, lambda principal: pipelines.list(principal, type_name))

    async def single(request: Request) -> Response:
        type_name, pipeline_id = request.path_params["objectType"], request.path_params["pipelineId"]
        validate = _validate(request)
        if request.method == "PUT":
            return await api.respond(
                request,
                lambda principal, body: pipelines.replace(principal, type_name, pipeline_id, body, validate=validate),
                body=PipelineInput,
            )
        if request.method == "PATCH":
            return await api.respond(
                request,
                lambda principal, body: pipelines.patch(principal, type_name, pipeline_id, body),
                body=PipelinePatch,
            )
        if request.method == "DELETE":
            return await api.respond(
                request, lambda principal: pipelines.archive(principal, type_name, pipeline_id, validate=validate)
            )
        return await api.respond(request, lambda principal: pipelines.get(principal, type_name, pipeline_id))

    async def audit(request: Request) -> Response:
        type_name = request.path_params["objectType"]
        identifier = request.path_params.get("stageId") or request.path_params["pipelineId"]
        return await api.respond(request, lambda principal: pipelines.audit(principal, type_name, identifier))

    async def stages(request: Request) -> Response:
        type_name, pipeline_id = request.path_params["objectType"], request.path_params["pipelineId"]
        if request.method == "POST":
            return await api.respond(
                request,
                lambda principal, body: pipelines.create_stage(principal, type_name, pipeline_id, body),
                body=StageInput,
            )
        return await api.respond(request, lambda principal: pipelines.list_stages(principal, type_name, pipeline_id))

    async def stage(request: Request) -> Response:
        params = request.path_params
        type_name, pipeline_id, stage_id = params["objectType"], params["pipelineId"], params["stageId"]
        if request.method in ("PUT", "PATCH"):
            replace = request.method == "PUT"
            return await api.respond(
                request,
                lambda principal, body: pipelines.update_stage(
                    principal, type_name, pipeline_id, stage_id, body, replace=replace
                ),
                body=StagePatch,
            )
        if request.method == "DELETE":
            validate = _validate(request)
            return await api.respond(
                request,
                lambda principal: pipelines.archive_stage(
                    principal, type_name, pipeline_id, stage_id, validate=validate
                ),
            )
        return await api.respond(
            request, lambda principal: pipelines.get_stage(principal, type_name, pipeline_id, stage_id)
        )

    return [
        Route("/{objectType}", collection, methods=["GET", "POST"]),
        Route("/{objectType}/{pipelineId}", single, methods=["GET", "PUT", "PATCH", "DELETE"]),
        Route("/{objectType}/{pipelineId}/audit", audit, methods=["GET"]),
        Route("/{objectType}/{pipelineId}/stages", stages, methods=["GET", "POST"]),
        Route("/{objectType}/{pipelineId}/stages/{stageId}", stage, methods=["GET", "PUT", "PATCH", "DELETE"]),
        Route("/{objectType}/{pipelineId}/stages/{stageId}/audit", audit, methods=["GET"]),
    ]
