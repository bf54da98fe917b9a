"""localspot's testing kit: a real server inside the test process (`LocalspotServer`), a small client of the
admin API, and the pytest plugin (`localspot.testing.plugin`, registered through the `pytest11` entry point).

The names load on first use: pytest imports the plugin in every run of every project that has localspot
installed, and that must cost nothing until a fixture asks for a server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from localspot.testing.admin import AdminClient, AdminError, Portal
    from localspot.testing.inprocess import LocalspotServer

__all__ = ["AdminClient", "AdminError", "LocalspotServer", "Portal"]

_HOMES = {
    "AdminClient": "localspot.testing.admin",
    "AdminError": "localspot.testing.admin",
    "Portal": "localspot.testing.admin",
    "LocalspotServer": "localspot.testing.inprocess",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'localspot.testing' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_HOMES[name]), name)
