"""Pipeline and stage request bodies, as HubSpot defines them."""

from __future__ import annotations

import msgspec

from localspot.kernel.numbers import Int32


class StageInput(msgspec.Struct, rename="camel"):
    label: str
    display_order: Int32 = 0
    metadata: dict[str, str | int | float | bool] = {}
    stage_id: str | None = None


class PipelineInput(msgspec.Struct, rename="camel"):
    label: str
    display_order: Int32 = 0
    stages: list[StageInput] = []
    pipeline_id: str | None = None


class PipelinePatch(msgspec.Struct, rename="camel"):
    label: str | None = None
    display_order: Int32 | None = None
    archived: bool | None = None


class StagePatch(msgspec.Struct, rename="camel"):
    label: str | None = None
    display_order: Int32 | None = None
    metadata: dict[str, str | int | float | bool] | None = None
    archived: bool | None = None
