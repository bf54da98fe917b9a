"""A batch input on its way to being written, as batch create, update and upsert carry it."""

from __future__ import annotations

from dataclasses import dataclass

from localspot.crm.associations.inline import Staged
from localspot.kernel.storage.records import RecordRow


@dataclass(slots=True)
class Pending:
    """One batch input on its way to being written."""

    index: int
    trace_id: str | None
    values: dict[str, str]
    record: RecordRow | None = None
    staged_associations: list[Staged] | None = None
