"""The deal splits request bodies."""

from __future__ import annotations

import msgspec


class DealId(msgspec.Struct):
    id: str | int


class BatchRead(msgspec.Struct):
    inputs: list[DealId]


class SplitInput(msgspec.Struct, rename="camel"):
    owner_id: int
    percentage: float


class DealSplitsInput(msgspec.Struct):
    id: str | int
    splits: list[SplitInput]


class BatchUpsert(msgspec.Struct):
    inputs: list[DealSplitsInput]
