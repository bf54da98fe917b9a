"""Fixtures shared by the official-client tests."""

from __future__ import annotations

import pathlib

import pytest

from tests.clients.node import node_client_or_skip


@pytest.fixture(scope="session")
def node_dir() -> pathlib.Path:
    """tests/node with @hubspot/api-client installed; a skip without Node (a failure when CI=true)."""
    return node_client_or_skip()
