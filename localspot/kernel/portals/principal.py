"""Who is calling: the portal a token belongs to and what it may do."""

from __future__ import annotations

from dataclasses import dataclass

from localspot.kernel import errors
from localspot.kernel.portals.scopes import Operation, accepted
from localspot.kernel.schema import ObjectType
from localspot.kernel.storage.portals import ALL_SCOPES


@dataclass(frozen=True, slots=True)
class Principal:
    portal_id: int
    scopes: frozenset[str]

    def require(self, operation: Operation, object_type: ObjectType | None = None) -> None:
        """Any one of the scopes the operation accepts (`scopes.TABLE`) suffices, as in HubSpot's
        per-operation security alternatives."""
        if ALL_SCOPES in self.scopes:
            return
        any_of = accepted(operation, object_type)
        if self.scopes.isdisjoint(any_of):
            raise errors.missing_scopes(any_of)
