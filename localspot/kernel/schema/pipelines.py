"""Pipelines as schema data: a type's default pipelines (catalogue) merged with the portal's own, and the
options of its pipeline and stage properties derived from them, so record validation follows the
portal's pipelines with no pipeline-specific code in the write path."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from localspot.kernel.schema.model import ObjectType


def merge_pipelines(defaults: Iterable[dict[str, Any]], stored: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored pipelines replace the defaults with the same id; ordered by displayOrder, then label."""
    merged = {pipeline["id"]: {**pipeline, "default": True} for pipeline in defaults}
    for pipeline in stored:
        merged[pipeline["id"]] = pipeline
    return sorted(merged.values(), key=lambda p: (p.get("displayOrder", 0), p["label"]))


def live_stages(pipeline: dict[str, Any]) -> list[dict[str, Any]]:
    stages = [stage for stage in pipeline.get("stages", []) if not stage.get("archived")]
    return sorted(stages, key=lambda s: (s.get("displayOrder", 0), s["label"]))


def with_pipeline_options(object_type: ObjectType, pipelines: list[dict[str, Any]]) -> ObjectType:
    """The type with its pipeline and stage properties' options taken from the live pipelines."""
    pipeline_property, stage_property = object_type.pipeline_property, object_type.stage_property
    if not pipeline_property or not stage_property:
        return object_type
    live = [p for p in pipelines if not p.get("archived")]
    properties = dict(object_type.properties)
    for name, options in (
        (pipeline_property, [{"label": p["label"], "value": p["id"]} for p in live]),
        (stage_property, [{"label": s["label"], "value": s["id"]} for p in live for s in live_stages(p)]),
    ):
        if name in properties:
            properties[name] = replace(
                properties[name],
                options=tuple(
                    {"label": o["label"], "value": o["value"], "description": "", "displayOrder": i, "hidden": False}
                    for i, o in enumerate(options)
                ),
            )
    return replace(object_type, properties=properties)
