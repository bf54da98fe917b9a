"""The pipelines API: pipelines and stages of the types whose definition names a pipeline and a stage
property (deals, tickets). Default pipelines come from the catalogue; a portal's edits and new pipelines
are stored, and the portal schema derives the options of the pipeline and stage properties from them."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from localspot.crm.pipelines.inputs import PipelineInput, PipelinePatch, StageInput, StagePatch
from localspot.crm.pipelines.queries import PipelineQueries
from localspot.crm.properties.service import open_schema
from localspot.kernel import errors
from localspot.kernel.numbers import json_text
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.schema_cache import SchemaCache, SchemaParts
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.schema import ObjectType, PortalSchema
from localspot.kernel.schema.pipelines import live_stages
from localspot.kernel.storage import Database, Session
from localspot.kernel.storage.portals import PortalQueries
from localspot.kernel.timeutil import iso_from_ms

MAX_STAGES = 100
MAX_LABEL_LENGTH = 1_000


def render_stage(stage: dict[str, Any]) -> dict[str, Any]:
    body = {
        "id": stage["id"],
        "label": stage["label"],
        "displayOrder": stage.get("displayOrder", 0),
        "metadata": stage.get("metadata", {}),
        "archived": bool(stage.get("archived", False)),
        "createdAt": iso_from_ms(stage.get("createdAt", 0)),
        "updatedAt": iso_from_ms(stage.get("updatedAt", 0)),
        "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
    }
    if stage.get("archivedAt") is not None:
        body["archivedAt"] = iso_from_ms(stage["archivedAt"])
    return body


def render_pipeline(pipeline: dict[str, Any]) -> dict[str, Any]:
    body = {
        "id": pipeline["id"],
        "label": pipeline["label"],
        "displayOrder": pipeline.get("displayOrder", 0),
        "stages": [render_stage(s) for s in live_stages(pipeline)],
        "archived": bool(pipeline.get("archived", False)),
        "createdAt": iso_from_ms(pipeline.get("createdAt", 0)),
        "updatedAt": iso_from_ms(pipeline.get("updatedAt", 0)),
    }
    if pipeline.get("archivedAt") is not None:
        body["archivedAt"] = iso_from_ms(pipeline["archivedAt"])
    return body


class PipelineService:
    def __init__(self, database: Database, schemas: SchemaCache) -> None:
        self.database = database
        self.schemas = schemas

    # --- pipelines -------------------------------------------------------------------------------------

    def list(self, principal: Principal, type_name: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            schema, object_type = self._open(session, principal, type_name, write=False)
        pipelines = schema.pipelines[object_type.object_type_id]
        return {"results": [render_pipeline(p) for p in pipelines if not p.get("archived")]}

    def get(self, principal: Principal, type_name: str, pipeline_id: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            schema, object_type = self._open(session, principal, type_name, write=False)
        return render_pipeline(_pipeline(schema, object_type, pipeline_id))

    def audit(self, principal: Principal, type_name: str, identifier: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            _, object_type = self._open(session, principal, type_name, write=False)
            entries = PipelineQueries.of(session).pipeline_audit(
                principal.portal_id, object_type.object_type_id, identifier
            )
        return {
            "results": [
                {
                    "portalId": principal.portal_id,
                    "identifier": identifier,
                    "action": action,
                    "timestamp": iso_from_ms(at),
                    "rawObject": raw,
                }
                for action, at, raw in entries
            ]
        }

    def create(self, principal: Principal, type_name: str, body: PipelineInput) -> tuple[int, dict[str, Any]]:
        with self.database.session(write=True) as session:
            schema, object_type = self._open(session, principal, type_name, write=True)
            pipelines = schema.pipelines[object_type.object_type_id]
            pipeline_id = body.pipeline_id or str(session.reserve_ids(1)[0])
            if any(p["id"] == pipeline_id for p in pipelines):
                raise errors.ApiError(409, "OBJECT_ALREADY_EXISTS", f"A pipeline with id {pipeline_id} already exists.")
            now = self.database.clock.now_ms()
            pipeline = {
                "id": pipeline_id,
                "label": body.label,
                "displayOrder": body.display_order,
                "stages": [],
                "archived": False,
                "createdAt": now,
                "updatedAt": now,
            }
            pipeline["stages"] = self._new_stages(session, object_type, pipelines, body.stages, now)
            self._check_pipeline(pipelines, pipeline)
            self._save(session, principal, object_type, pipeline, "CREATE", now)
        return 201, render_pipeline(pipeline)

    def replace(
        self, principal: Principal, type_name: str, pipeline_id: str, body: PipelineInput, *, validate: bool
    ) -> dict[str, Any]:
        with self.database.session(write=True) as session:
            schema, object_type = self._open(session, principal, type_name, write=True)
            pipelines = schema.pipelines[object_type.object_type_id]
            current = copy.deepcopy(_pipeline(schema, object_type, pipeline_id))
            now = self.database.clock.now_ms()
            others = [p for p in pipelines if p["id"] != pipeline_id]
            stages = self._new_stages(session, object_type, others, body.stages, now)
            kept = {s["id"] for s in stages}
            removed = [s["id"] for s in live_stages(current) if s["id"] not in kept]
            if validate:
                self._refuse_stages_in_use(session, principal, object_type, removed)
            current.update(label=body.label, displayOrder=body.display_order, stages=stages, updatedAt=now)
            self._check_pipeline(others, current)
            self._save(session, principal, object_type, current, "UPDATE", now)
        return render_pipeline(current)

    def patch(self, principal: Principal, type_name: str, pipeline_id: str, body: PipelinePatch) -> dict[str, Any]:
        with self.database.session(write=True) as session:
            schema, object_type = self._open(session, principal, type_name, write=True)
            current = copy.deepcopy(_pipeline(schema, object_type, pipeline_id, include_archived=True))
            if body.archived is True or (current.get("archived") and body.archived is not False):
                # HubSpot takes `archived` on PATCH only to restore an archived pipeline.
                raise errors.validation_error("archived can only be set to false, to restore an archived pipeline.")
            now = self.database.clock.now_ms()
            if body.archived is False:
                current.update(archived=False, archivedAt=None)
            if body.label is not None:
                current["label"] = body.label
            if body.display_order is not None:
                current["displayOrder"] = body.display_order
            current["updatedAt"] = now
            others = [p for p in schema.pipelines[object_type.object_type_id] if p["id"] != pipeline_id]
            self._check_pipeline(others, current)
            self._save(session, principal, object_type, current, "UPDATE", now)
        return render_pipeline(current)

    def archive(self, principal: Principal, type_name: str, pipeline_id: str, *, validate: bool) -> None:
        with self.database.session(write=True) as session:
            schema, object_type = self._open(session, principal, type_name, write=True)
            current = copy.deepcopy(_pipeline(schema, object_type, pipeline_id))
            live = [p for p in schema.pipelines[object_type.object_type_id] if not p.get("archived")]
            if len(live) == 1:
                raise errors.validation_error("The last pipeline of an object type cannot be deleted.")
            if validate:
                self._refuse_stages_in_use(session, principal, object_type, [s["id"] for s in live_stages(current)])
            now = self.database.clock.now_ms()
            current.update(archived=True, archivedAt=now, updatedAt=now)
            self._save(session, principal, object_type, current, "DELETE", now)

    # --- stages ----------------------------------------------------------------------------------------

    def list_stages(self, principal: Principal, type_name: str, pipeline_id: str) -> dict[str, Any]:
        return {"results": self.get(principal, type_name, pipeline_id)["stages"]}

    def get_stage(self, principal: Principal, type_name: str, pipeline_id: str, stage_id: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            schema, object_type = self._open(session, principal, type_name, write=False)
        return render_stage(_stage(_pipeline(schema, object_type, pipeline_id), stage_id))

    def create_stage(
        self, principal: Principal, type_name: str, pipeline_id: str, body: StageInput
    ) -> tuple[int, dict[str, Any]]:
        with self.database.session(write=True) as session:
            schema, object_type = self._open(session, principal, type_name, write=True)
            pipelines = schema.pipelines[object_type.object_type_id]
            current = copy.deepcopy(_pipeline(schema, object_type, pipeline_id))
            now = self.database.clock.now_ms()
            [stage] = self._new_stages(session, object_type, pipelines, [body], now)
            current["stages"].append(stage)
            current["updatedAt"] = now
            self._check_pipeline([p for p in pipelines if p["id"] != pipeline_id], current)
            self._save(session, principal, object_type, current, "UPDATE", now, identifier=stage["id"])
        return 201, render_stage(stage)

    def update_stage(
        self,
        principal: Principal,
        type_name: str,
        pipeline_id: str,
        stage_id: str,
        body: StagePatch,
        *,
        replace: bool,
    ) -> dict[str, Any]:
        with self.database.session(write=True) as session:
            schema, object_type = self._open(session, principal, type_name, write=True)
            current = copy.deepcopy(_pipeline(schema, object_type, pipeline_id))
            stage = _stage(current, stage_id)
            if replace and (body.label is None or body.display_order is None):
                raise errors.validation_error("label and displayOrder are required to replace a stage.")
            if body.archived is True:
                raise errors.validation_error("archived can only be set to false, to restore an archived stage.")
            now = self.database.clock.now_ms()
            for key, value in (("label", body.label), ("displayOrder", body.display_order)):
                if value is not None:
                    stage[key] = value
            if body.metadata is not None:
                stage["metadata"] = _checked_metadata(object_type, body.metadata)
            stage["updatedAt"] = current["updatedAt"] = now
            self._check_pipeline(
                [p for p in schema.pipelines[object_type.object_type_id] if p["id"] != pipeline_id], current
            )
            self._save(session, principal, object_type, current, "UPDATE", now, identifier=stage_id)
        return render_stage(stage)

    def archive_stage(
        self, principal: Principal, type_name: str, pipeline_id: str, stage_id: str, *, validate: bool
    ) -> None:
        with self.database.session(write=True) as session:
            schema, object_type = self._open(session, principal, type_name, write=True)
            current = copy.deepcopy(_pipeline(schema, object_type, pipeline_id))
            stage = _stage(current, stage_id)
            if len(live_stages(current)) == 1:
                raise errors.validation_error("The last stage of a pipeline cannot be deleted.")
            if validate:
                self._refuse_stages_in_use(session, principal, object_type, [stage_id])
            now = self.database.clock.now_ms()
            stage.update(archived=True, archivedAt=now, updatedAt=now)
            current["updatedAt"] = now
            self._save(session, principal, object_type, current, "DELETE", now, identifier=stage_id)

    # --- helpers ---------------------------------------------------------------------------------------

    def _open(
        self, session: Session, principal: Principal, type_name: str, *, write: bool
    ) -> tuple[PortalSchema, ObjectType]:
        if write:
            PortalQueries.of(session).lock_schema(
                principal.portal_id
            )  # schema changes are serialised; see properties.schema_change
        schema, object_type = open_schema(
            self.schemas,
            session,
            principal,
            type_name,
            Operation.PIPELINES_WRITE if write else Operation.PIPELINES_READ,
        )
        if not object_type.pipeline_property:
            raise errors.validation_error(f"Object type {object_type.object_type_id} does not have pipelines.")
        return schema, object_type

    def _new_stages(
        self,
        session: Session,
        object_type: ObjectType,
        other_pipelines: Sequence[dict[str, Any]],
        given: Sequence[StageInput],
        now: int,
    ) -> list[dict[str, Any]]:
        if len(given) > MAX_STAGES:
            raise errors.validation_error(f"A pipeline can have at most {MAX_STAGES} stages.")
        taken = {s["id"] for p in other_pipelines for s in p.get("stages", [])}
        ids = iter(session.reserve_ids(len(given))) if given else iter(())
        stages = []
        for stage in given:
            stage_id = stage.stage_id or str(next(ids))
            if stage_id in taken:
                raise errors.ApiError(409, "OBJECT_ALREADY_EXISTS", f"A stage with id {stage_id} already exists.")
            taken.add(stage_id)
            stages.append(
                {
                    "id": stage_id,
                    "label": stage.label,
                    "displayOrder": stage.display_order,
                    "metadata": _checked_metadata(object_type, stage.metadata),
                    "archived": False,
                    "createdAt": now,
                    "updatedAt": now,
                }
            )
        return stages

    @staticmethod
    def _check_pipeline(others: Sequence[dict[str, Any]], pipeline: dict[str, Any]) -> None:
        stages = live_stages(pipeline)
        if not stages:
            raise errors.validation_error("A pipeline needs at least one stage.")
        labels = [s["label"] for s in stages]
        if len(labels) != len(set(labels)):
            raise errors.validation_error("Stage labels must be unique within a pipeline.")
        if any(len(label) > MAX_LABEL_LENGTH for label in [pipeline["label"], *labels]):
            raise errors.validation_error(f"Labels can have at most {MAX_LABEL_LENGTH} characters.")
        if any(p["label"] == pipeline["label"] and not p.get("archived") for p in others):
            raise errors.validation_error(f"A pipeline labelled {pipeline['label']!r} already exists.")

    @staticmethod
    def _refuse_stages_in_use(
        session: Session, principal: Principal, object_type: ObjectType, stage_ids: Sequence[str]
    ) -> None:
        assert object_type.stage_property is not None
        in_use = PipelineQueries.of(session).records_in_stages(
            principal.portal_id, object_type.object_type_id, object_type.stage_property, stage_ids
        )
        if in_use:
            raise errors.ApiError(
                400,
                "VALIDATION_ERROR",
                "Stages cannot be removed while records are in them: "
                + ", ".join(sorted({stage for _, stage in in_use})),
                sub_category="PipelineError.STAGE_ID_IN_USE",
                context={
                    "stageIds": sorted({stage for _, stage in in_use}),
                    "objectIds": [str(record_id) for record_id, _ in in_use],
                },
            )

    @staticmethod
    def _save(
        session: Session,
        principal: Principal,
        object_type: ObjectType,
        pipeline: dict[str, Any],
        action: str,
        now: int,
        *,
        identifier: str | None = None,
    ) -> None:
        stored = {key: value for key, value in pipeline.items() if key != "default"}
        PipelineQueries.of(session).save_pipeline(principal.portal_id, object_type.object_type_id, stored)
        PipelineQueries.of(session).record_pipeline_audit(
            principal.portal_id,
            object_type.object_type_id,
            identifier or pipeline["id"],
            action,
            now,
            render_pipeline(stored),
        )
        PortalQueries.of(session).bump_schema_version(principal.portal_id)


def _pipeline(
    schema: PortalSchema, object_type: ObjectType, pipeline_id: str, *, include_archived: bool = False
) -> dict[str, Any]:
    for pipeline in schema.pipelines[object_type.object_type_id]:
        if pipeline["id"] == pipeline_id and (include_archived or not pipeline.get("archived")):
            return pipeline
    raise errors.ApiError(
        404, "OBJECT_NOT_FOUND", f"Unable to find pipeline {pipeline_id}", context={"pipelineId": [pipeline_id]}
    )


def _stage(pipeline: dict[str, Any], stage_id: str) -> dict[str, Any]:
    for stage in pipeline.get("stages", []):
        if stage["id"] == stage_id and not stage.get("archived"):
            return stage
    raise errors.ApiError(404, "OBJECT_NOT_FOUND", f"Unable to find stage {stage_id}", context={"stageId": [stage_id]})


def _checked_metadata(object_type: ObjectType, metadata: dict[str, Any] | None) -> dict[str, str]:
    """Stage metadata as strings, a JSON number or boolean as its JSON text (`0.5`, `true`), the form HubSpot
    answers. The type's definition says which keys a stage needs (deals: `probability`); a `probability` must
    lie between 0.0 and 1.0 and `ticketState` be OPEN or CLOSED."""
    values = {key: json_text(value) for key, value in (metadata or {}).items()}
    missing = [key for key in object_type.required_stage_metadata if key not in values]
    if missing:
        raise errors.validation_error(f"Stages of {object_type.name} need metadata: {', '.join(missing)}.")
    if "probability" in values:
        try:
            probability = float(values["probability"])
        except ValueError:
            probability = -1.0
        if not 0.0 <= probability <= 1.0:
            raise errors.validation_error("metadata.probability must be a number between 0.0 and 1.0.")
        values.setdefault("isClosed", "true" if probability in (0.0, 1.0) else "false")
    if "ticketState" in values and values["ticketState"] not in ("OPEN", "CLOSED"):
        raise errors.validation_error("metadata.ticketState must be OPEN or CLOSED.")
    return values


def add_to_schema(session: Session, portal_id: int, parts: SchemaParts) -> None:
    """The portal's pipelines (a `SchemaSource`)."""
    parts.custom_pipelines.extend(PipelineQueries.of(session).stored_pipelines(portal_id))
