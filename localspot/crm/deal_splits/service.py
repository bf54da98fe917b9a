"""Deal splits, stored per deal (docs/decisions.md, "Deal splits"): a batch read answers each deal's splits
(a 207 names the deals the portal does not have); a batch upsert replaces each deal's splits, once every deal
of the batch passes HubSpot's rules, or writes nothing."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from localspot.crm.deal_splits import errors as split_errors
from localspot.crm.deal_splits.inputs import DealSplitsInput
from localspot.crm.deal_splits.queries import SplitQueries, SplitRow
from localspot.crm.objects.reads import ReadOptions, RecordReads
from localspot.crm.owners.service import OwnerService
from localspot.kernel import errors
from localspot.kernel.batch import MAX_BATCH_INPUTS, BatchOutcome
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.storage import Database
from localspot.kernel.storage.portals import ALL_SCOPES
from localspot.kernel.timeutil import iso_from_ms

# HubSpot's deal split settings, at their defaults: at most this many owners share a deal, each with more
# than nothing; shares have at most 8 decimal places and sum to exactly 1.
MAX_SPLIT_OWNERS = 5
MAX_DECIMALS = 8
_MAX_ID = 2**63 - 1
# A split's properties, as HubSpot's property definitions of the deal split type list them (its legacy
# property list, `/properties/v2/deal_split/properties`, reads these): (name, label, type, field type).
SPLIT_PROPERTIES = (
    ("hs_createdate", "Create date", "datetime", "date"),
    ("hs_deal_id", "Deal ID", "number", "number"),
    ("hs_deal_split_amount", "Split amount", "number", "number"),
    ("hs_deal_split_percentage", "Split percentage", "number", "number"),
    ("hs_lastmodifieddate", "Last modified date", "datetime", "date"),
    ("hs_object_id", "Record ID", "number", "number"),
    ("hubspot_owner_id", "Split owner", "enumeration", "select"),
)


def render_split(split: SplitRow) -> dict[str, Any]:
    return {
        "id": str(split.id),
        "properties": {"hs_deal_split_percentage": split.percentage, "hubspot_owner_id": str(split.owner_id)},
        "createdAt": iso_from_ms(split.created_at),
        "updatedAt": iso_from_ms(split.updated_at),
        "archived": False,
    }


def share_text(share: Decimal) -> str:
    """`0.5`, `0.33333333`, `1.0`: the share as HubSpot's number properties read."""
    text = format(share.normalize(), "f")
    return text if "." in text else f"{text}.0"


class DealSplitService:
    def __init__(self, database: Database, reads: RecordReads, owners: OwnerService) -> None:
        self.database = database
        self.reads = reads
        self.owners = owners

    def property_rows(self, principal: Principal) -> tuple[tuple[str, str, str, str], ...]:
        """The deal split type's properties: (name, label, type, field type), HubSpot's own and read-only."""
        principal.require(Operation.DEAL_SPLITS)
        return SPLIT_PROPERTIES

    def _deal_owners(self, principal: Principal, raw_ids: list[str | int]) -> dict[str, str | None]:
        """Each live deal among the ids (by its id text) -> its owner id property (None when unowned)."""
        ids = [int(raw) for raw in map(str, raw_ids) if raw.isascii() and raw.isdigit() and int(raw) <= _MAX_ID]
        if not ids:
            return {}
        reader = replace(principal, scopes=frozenset({ALL_SCOPES}))  # the splits' own scope was checked
        deals = self.reads.by_ids(reader, "deals", ids, ReadOptions(properties=["hubspot_owner_id"]))
        return {deal["id"]: deal["properties"].get("hubspot_owner_id") or None for deal in deals}

    def batch_read(self, principal: Principal, raw_ids: list[str | int]) -> tuple[int, dict[str, Any]]:
        principal.require(Operation.DEAL_SPLITS)
        if len(raw_ids) > MAX_BATCH_INPUTS:
            raise errors.too_many_inputs(MAX_BATCH_INPUTS)
        outcome = BatchOutcome(self.database.clock)
        deals = self._deal_owners(principal, raw_ids)
        with self.database.session(write=False) as session:
            splits = SplitQueries.of(session).splits(principal.portal_id, [int(d) for d in deals])
        for raw in map(str, raw_ids):
            if raw in deals:
                outcome.results.append({"id": raw, "splits": [render_split(s) for s in splits[int(raw)]]})
            else:
                outcome.errors.append(split_errors.deal_not_found(raw))
        return outcome.response(200)

    def batch_upsert(self, principal: Principal, inputs: list[DealSplitsInput]) -> tuple[int, dict[str, Any]]:
        principal.require(Operation.DEAL_SPLITS)
        if len(inputs) > MAX_BATCH_INPUTS:
            raise errors.too_many_inputs(MAX_BATCH_INPUTS)
        named = [str(item.id) for item in inputs]
        repeated = {deal_id for deal_id in named if named.count(deal_id) > 1}
        if repeated:
            raise errors.duplicate_ids(sorted(repeated))
        outcome = BatchOutcome(self.database.clock)
        deals = self._deal_owners(principal, named)
        wanted = {split.owner_id for item in inputs for split in item.splits if 0 < split.owner_id <= _MAX_ID}
        owners = self.owners.active_owner_ids(principal.portal_id, wanted)
        problems: list[tuple[str, str]] = []
        shares: dict[int, list[tuple[int, str]]] = {}
        for deal_id, item in zip(named, inputs, strict=True):
            checked = _check(deal_id, item, deals, owners)
            if isinstance(checked, str):
                problems.append((deal_id, checked))
            else:
                shares[int(deal_id)] = checked
        if problems:
            raise split_errors.invalid_splits(problems)
        now = self.database.clock.now_ms()
        with self.database.session(write=True) as session:
            queries = SplitQueries.of(session)
            queries.lock_deals(principal.portal_id, sorted(shares))
            ids = iter(session.reserve_ids(sum(len(s) for s in shares.values())))
            queries.replace(
                principal.portal_id,
                {deal: [(next(ids), owner, share) for owner, share in split] for deal, split in shares.items()},
                now,
            )
            stored = queries.splits(principal.portal_id, list(shares))
        outcome.results = [
            {"id": deal_id, "splits": [render_split(s) for s in stored[int(deal_id)]]} for deal_id in named
        ]
        return outcome.response(200)


def _check(
    deal_id: str, item: DealSplitsInput, deals: dict[str, str | None], owners: set[int]
) -> list[tuple[int, str]] | str:
    """The deal's (owner id, share text) list, or what is wrong with it."""
    if deal_id not in deals:
        return f"Deal {deal_id[:60]} does not exist."
    if not item.splits:
        return f"Deal {deal_id} needs at least one split."
    if len(item.splits) > MAX_SPLIT_OWNERS:
        return f"Deal {deal_id} is split among {len(item.splits)} owners; at most {MAX_SPLIT_OWNERS} may share a deal."
    split_owners = [split.owner_id for split in item.splits]
    if len(set(split_owners)) != len(split_owners):
        return f"Deal {deal_id} names an owner in more than one split."
    unknown = [owner for owner in split_owners if owner not in owners]
    if unknown:
        return f"Owner {unknown[0]} is not an active owner of this account."
    deal_owner = deals[deal_id]
    if deal_owner is None:
        return f"Deal {deal_id} has no owner; a deal's owner must be one of its split owners."
    if deal_owner not in {str(owner) for owner in split_owners}:
        return f"The deal's owner ({deal_owner}) must be one of the split owners of deal {deal_id}."
    checked: list[tuple[int, str]] = []
    total = Decimal(0)
    for split in item.splits:
        try:
            share = Decimal(repr(split.percentage))
        except InvalidOperation:
            return f"Split percentage {split.percentage!r} of deal {deal_id} is not a number."
        if not share.is_finite() or share <= 0 or share > 1:
            return f"Split percentage {share} of deal {deal_id} must be more than 0 and at most 1."
        if -share.normalize().as_tuple().exponent > MAX_DECIMALS:
            return f"Split percentage {share} of deal {deal_id} has more than {MAX_DECIMALS} decimal places."
        total += share
        checked.append((split.owner_id, share_text(share)))
    if total != 1:
        return f"The split percentages of deal {deal_id} sum to {share_text(total)}, not 1.0."
    return checked
