"""The steps every batch write shares: checking its size and whether it may succeed in part, validating new
records' values (the fast path when they are stored as given), and the results and errors in input order."""

from __future__ import annotations

from collections.abc import Sequence

from localspot.crm.objects.inputs import CreateInput, UpdateInput
from localspot.crm.objects.pending import Pending
from localspot.crm.objects.rendering import render_record
from localspot.crm.objects.values import stored_as_given, validate_properties
from localspot.kernel import errors
from localspot.kernel.batch import MAX_BATCH_INPUTS, BatchOutcome, with_trace_id
from localspot.kernel.clock import Clock
from localspot.kernel.errors import ApiError
from localspot.kernel.schema import ObjectType
from localspot.kernel.storage.records import RecordRow


def validate_creates(
    object_type: ObjectType, inputs: Sequence[CreateInput], portal_id: int
) -> tuple[list[Pending], dict[int, ApiError]]:
    """Each input's stored values (a create stores no empty ones), or its validation error."""
    if stored_as_given(object_type, [item.properties for item in inputs]):
        return [Pending(index, item.object_write_trace_id, item.properties) for index, item in enumerate(inputs)], {}  # type: ignore[arg-type]
    pending: list[Pending] = []
    failures: dict[int, ApiError] = {}
    for index, item in enumerate(inputs):
        try:
            values = validate_properties(object_type, item.properties, portal_id=portal_id, creating=True)
        except ApiError as error:
            failures[index] = error
            continue
        if "" in values.values():
            values = {name: value for name, value in values.items() if value != ""}
        pending.append(Pending(index, item.object_write_trace_id, values))
    return pending, failures


def start_batch(inputs: Sequence[CreateInput] | Sequence[UpdateInput], clock: Clock) -> tuple[BatchOutcome, bool]:
    """The outcome to fill, and whether invalid inputs become 207 errors (every input has a trace id)."""
    if len(inputs) > MAX_BATCH_INPUTS:
        raise errors.too_many_inputs(MAX_BATCH_INPUTS)
    return BatchOutcome(clock), bool(inputs) and all(item.object_write_trace_id for item in inputs)


def collect(
    outcome: BatchOutcome,
    object_type: ObjectType,
    written: dict[int, RecordRow],
    failures: dict[int, ApiError],
    trace_ids: Sequence[str | None],
) -> None:
    """Results and errors in input order, each naming its input's objectWriteTraceId."""
    outcome.results = [
        render_record(object_type, written[index], trace_id=trace_ids[index]) for index in sorted(written)
    ]
    outcome.errors = [with_trace_id(failures[index], trace_ids[index]) for index in sorted(failures)]
