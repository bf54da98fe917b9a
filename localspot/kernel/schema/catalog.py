"""The standard object types HubSpot ships: one definition per type under `types/` (`types/deals.json`), and
the HUBSPOT_DEFINED association types between them in `association_types.json`."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from localspot.kernel.schema.model import HUBSPOT_DEFINED, AssociationType, ObjectType

PACKAGE = "localspot.kernel.schema"


@dataclass(frozen=True)
class Catalog:
    object_types: tuple[ObjectType, ...]
    association_types: tuple[AssociationType, ...]


def raw_type_definitions() -> list[dict[str, Any]]:
    """Every type's definition as stored, in objectTypeId order (0-1, 0-2, ... 0-970)."""
    folder = resources.files(PACKAGE).joinpath("types")
    entries = [json.loads(entry.read_text("utf-8")) for entry in folder.iterdir() if entry.name.endswith(".json")]
    return sorted(entries, key=lambda entry: int(entry["objectTypeId"].split("-")[1]))


def raw_association_types() -> list[dict[str, Any]]:
    text = resources.files(PACKAGE).joinpath("association_types.json").read_text("utf-8")
    return list(json.loads(text)["associationTypes"])


@functools.cache
def load_catalog() -> Catalog:
    """Parsed once per process: the catalogue is immutable data shipped with the package."""
    types = tuple(ObjectType.from_dict(entry) for entry in raw_type_definitions())
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
        for entry in raw_association_types()
    )
    return Catalog(types, associations)
