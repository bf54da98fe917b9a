"""The tree's rules, checked on the source: imports point down only (entry points -> parts and areas ->
kernel), no module imports itself back through others, areas reach each other only through services, and
SQL text stands only in the storage kernel and the areas' query modules."""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "localspot"
# The kernel's own layers, lowest first: a kernel module imports only its own layer and those below.
KERNEL_LAYERS = [
    (
        "localspot.kernel.errors",
        "localspot.kernel.timeutil",
        "localspot.kernel.batch",
        "localspot.kernel.clock",
        "localspot.kernel.numbers",
    ),
    ("localspot.kernel.schema",),
    ("localspot.kernel.storage",),
    ("localspot.kernel.portals",),
    ("localspot.kernel.web",),
]
ENTRY_POINTS = (
    "localspot.app",
    "localspot.server",
    "localspot.cli",
    "localspot.commands",
    "localspot.config",
    "localspot.__main__",
)
# The product parts beside the CRM areas: they may use the areas' services; no area uses them.
PARTS = ("localspot.control", "localspot.apps", "localspot.inspector")
# The testing kit sits on top, beside the entry points: it may import them (server, app, config); nothing in
# the package imports it.
ON_TOP = ("localspot.testing",)
SQL = re.compile(r"\b(SELECT .+ FROM|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE (TABLE|INDEX))\b")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache
def modules() -> dict[str, ast.Module]:
    return {module_name(path): ast.parse(path.read_text()) for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, tree: ast.Module, known: set[str]) -> Iterator[str]:
    """Every localspot module `name` imports, at any depth of the file (type-checking imports too)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from package import module` names a module; `from module import name` names the module.
            targets = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known else node.module for a in node.names
            ]
        else:
            continue
        yield from (t for t in targets if t.startswith("localspot") and t != name)


@functools.cache
def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: set(imports_of(name, tree, known)) for name, tree in found.items()}


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def kernel_layer(name: str) -> int | None:
    for level, prefixes in enumerate(KERNEL_LAYERS):
        if any(within(name, p) for p in prefixes):
            return level
    return None


def area_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "crm" else None


def part_of(name: str) -> str | None:
    return next((part for part in PARTS if within(name, part)), None)


def test_the_package_has_the_kernel_the_areas_and_the_entry_points():
    names = set(modules())
    for expected in ("localspot.kernel.storage", "localspot.kernel.web", "localspot.crm.objects", *ENTRY_POINTS[:3]):
        assert expected in names


def test_no_import_cycles():
    edges = graph()
    # Tarjan's strongly connected components: any component of more than one module is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert cycles == []


def test_the_kernel_imports_no_area_and_no_entry_point_and_its_layers_point_down():
    wrong = []
    for name, targets in graph().items():
        level = kernel_layer(name)
        if level is None:
            continue
        for target in targets:
            target_level = kernel_layer(target)
            if target_level is None or target_level > level:
                wrong.append((name, target))
    assert wrong == []


def test_areas_import_no_entry_point_nor_part_and_reach_other_areas_only_through_their_services():
    wrong = []
    for name, targets in graph().items():
        area = area_of(name)
        if area is None:
            continue
        for target in targets:
            if any(within(target, entry) for entry in (*ENTRY_POINTS, *PARTS, *ON_TOP)):
                wrong.append((name, target))
            other = area_of(target)
            if other is not None and other != area and (".queries" in target or target.endswith(".routes")):
                wrong.append((name, target))
    assert wrong == []


def test_the_areas_depend_on_each_other_without_cycles():
    between: dict[str, set[str]] = {}
    for name, targets in graph().items():
        area = area_of(name)
        if area is not None:
            between.setdefault(area, set()).update(a for a in map(area_of, targets) if a not in (None, area))
    done: set[str] = set()

    def check(area: str, path: tuple[str, ...]) -> None:
        assert area not in path, " -> ".join((*path, area))
        if area in done:
            return
        for other in sorted(between.get(area, ())):
            check(other, (*path, area))
        done.add(area)

    for area in sorted(between):
        check(area, ())


@pytest.mark.parametrize("name", sorted(modules()))
def test_sql_stands_only_in_the_storage_kernel_and_the_query_modules(name):
    if within(name, "localspot.kernel.storage") or ".queries" in name:
        return
    tree = modules()[name]
    statements = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value)
    ]
    assert statements == []


def test_no_module_is_over_500_lines():
    long = {
        str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 500
    }
    assert long == {}


def test_parts_import_no_entry_point_and_reach_the_areas_only_through_their_services():
    wrong = []
    for name, targets in graph().items():
        if part_of(name) is None:
            continue
        for target in targets:
            if any(within(target, entry) for entry in ENTRY_POINTS):
                wrong.append((name, target))
            if area_of(target) is not None and (".queries" in target or target.endswith(".routes")):
                wrong.append((name, target))
    assert wrong == []


def test_nothing_imports_the_testing_kit_and_it_reaches_the_areas_only_through_the_entry_points():
    wrong = []
    for name, targets in graph().items():
        on_top = any(within(name, top) for top in ON_TOP)
        for target in targets:
            if not on_top and any(within(target, top) for top in ON_TOP):
                wrong.append((name, target))
            if on_top and (area_of(target) is not None or part_of(target) is not None):
                wrong.append((name, target))
    assert wrong == []


@pytest.mark.parametrize("name", sorted(n for n in modules() if n.startswith("localspot.crm.")))
def test_areas_never_see_the_raw_request(name):
    """Input is parsed only inside `Api.respond` (the one place that turns errors into HubSpot's bodies): an
    area's handlers get a `Call`, so none can import Starlette's request or reach for its query string."""
    tree = modules()[name]
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "starlette.requests"
        for alias in node.names
    }
    attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert imported == set()
    assert not attributes & {"query_params", "path_params", "headers", "stream"}
