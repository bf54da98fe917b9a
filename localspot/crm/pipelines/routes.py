"""`/crm/v3/pipelines/{objectType}/…` and its date-versioned twin."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from localspot.crm.pipelines.inputs import PipelineInput, PipelinePatch, StageInput, StagePatch
from localspot.crm.pipelines.service import PipelineService
from localspot.kernel.web.api import Api, Call, Outcome
from localspot.kernel.web.params import Query


def _validate(query: Query) -> bool:
    return query.flag("validateReferencesBeforeDelete") or query.flag("validateDealStageUsagesBeforeDelete")


def routes(api: Api, pipelines: PipelineService) -> list[BaseRoute]:

    def collection(call: Call) -> Outcome:
        type_name = call.path["objectType"]
        if call.method == "POST":
            return pipelines.create(call.principal, type_name, call.body(PipelineInput))
        return pipelines.list(call.principal, type_name)

    def single(call: Call) -> Outcome:
        type_name, pipeline_id = call.path["objectType"], call.path["pipelineId"]
        if call.method == "PUT":
            validate = _validate(call.query)
            return pipelines.replace(
                call.principal, type_name, pipeline_id, call.body(PipelineInput), validate=validate
            )
        if call.method == "PATCH":
            return pipelines.patch(call.principal, type_name, pipeline_id, call.body(PipelinePatch))
        if call.method == "DELETE":
            return pipelines.archive(call.principal, type_name, pipeline_id, validate=_validate(call.query))
        return pipelines.get(call.principal, type_name, pipeline_id)

    def audit(call: Call) -> Outcome:
        identifier = call.path.get("stageId") or call.path["pipelineId"]
        return pipelines.audit(call.principal, call.path["objectType"], identifier)

    def stages(call: Call) -> Outcome:
        type_name, pipeline_id = call.path["objectType"], call.path["pipelineId"]
        if call.method == "POST":
            return pipelines.create_stage(call.principal, type_name, pipeline_id, call.body(StageInput))
        return pipelines.list_stages(call.principal, type_name, pipeline_id)

    def stage(call: Call) -> Outcome:
        type_name, pipeline_id, stage_id = call.path["objectType"], call.path["pipelineId"], call.path["stageId"]
        if call.method in ("PUT", "PATCH"):
            return pipelines.update_stage(
                call.principal, type_name, pipeline_id, stage_id, call.body(StagePatch), replace=call.method == "PUT"
            )
        if call.method == "DELETE":
            return pipelines.archive_stage(
                call.principal, type_name, pipeline_id, stage_id, validate=_validate(call.query)
            )
        return pipelines.get_stage(call.principal, type_name, pipeline_id, stage_id)

    return [
        Route("/{objectType}", api.endpoint(collection), methods=["GET", "POST"]),
        Route("/{objectType}/{pipelineId}", api.endpoint(single), methods=["GET", "PUT", "PATCH", "DELETE"]),
        Route("/{objectType}/{pipelineId}/audit", api.endpoint(audit), methods=["GET"]),
        Route("/{objectType}/{pipelineId}/stages", api.endpoint(stages), methods=["GET", "POST"]),
        Route(
            "/{objectType}/{pipelineId}/stages/{stageId}",
            api.endpoint(stage),
            methods=["GET", "PUT", "PATCH", "DELETE"],
        ),
        Route("/{objectType}/{pipelineId}/stages/{stageId}/audit", api.endpoint(audit), methods=["GET"]),
    ]
