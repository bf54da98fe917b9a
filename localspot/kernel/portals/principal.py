"""Who is calling: the portal a token belongs to and what it may do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from localspot.kernel import errors
from localspot.kernel.storage.portals import ALL_SCOPES


@dataclass(frozen=True, slots=True)
class Principal:
    portal_id: int
    scopes: frozenset[str]

    def require(self, any_of: Sequence[str]) -> None:
        """Any one of `any_of` suffices, as in HubSpot's per-operation security alternatives."""
        if ALL_SCOPES in self.scopes or not any_of:
            return
        if self.scopes.isdisjoint(any_of):
            raise errors.missing_scopes(any_of)
