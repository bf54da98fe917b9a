"""The standard object types HubSpot ships, read from `standard_types.json`."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

from localspot.kernel.schema.model import HUBSPOT_DEFINED, AssociationType, ObjectType


@dataclass(frozen=True)
class Catalog:
    object_types: tuple[ObjectType, ...]
    association_types: tuple[AssociationType, ...]


@functools.cache
def load_catalog() -> Catalog:
    """Parsed once per process: the catalogue is immutable data shipped with the package."""
    raw = json.loads(resources.files("localspot.kernel.schema").joinpath("standard_types.json").read_text("utf-8"))
    types = tuple(ObjectType.from_dict(entry) for entry in raw["objectTypes"])
    associations = tuple(
        AssociationType(
            from_type_id=entry["from"],
            to_type_id=entry["to"],
            type_id=int(entry["typeId"]),
            category=HUBSPOT_DEFINED,
            name=entry.get("name"),
            label=entry.get("label"),
            inverse_type_id=int(entry["inverseTypeId"]),
            is_default=bool(entry.get("default", False)),
        )
        for entry in raw["associationTypes"]
    )
    return Catalog(types, associations)
