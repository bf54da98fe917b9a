"""Which operations of HubSpot's published CRM specs localspot serves: a coverage table, made from a run.

    python scripts/spec_coverage.py PATH > docs/coverage.md

PATH is a checkout of HubSpot/HubSpot-public-api-spec-collection, or its bare git directory (read with
`git show`); the specs are read from there and never copied. For each folder of `PublicApiSpecs/CRM` and each
version family (classic `v1`-`v4`, `2025-09`, `2026-03`, `2026-09`; betas left out), the newest rollout's spec
is read, and each operation is matched against the routes of a localspot app built in this process: an
operation is served when a route takes its method and path and, where the path names an object type, the
catalogue has that type. The operations not served are listed with the reason, from REASONS.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.routing import BaseRoute, Match, Mount

FAMILIES = ("classic", "2025-09", "2026-03", "2026-09")
METHODS = ("get", "post", "put", "patch", "delete")
# Why a folder (or a path prefix) is not served: where the work is tracked. (App Uninstalls, Calling
# Extensions, Video Conferencing Extension, Public App Feature Flags V3, Public App Crm Cards and Transcriptions
# are served by localspot/apps/extensions/.)
REASONS: dict[str, str] = {
    "Crm Extensions": "app extensions: not part of the CRM data localspot emulates",
    "Timeline": "timeline: the 2026-03 project-type registration is not built (issue #14)",
    "Bucket_Test111": "a test folder in HubSpot's collection, not a documented API",
}
DEFAULT_REASON = "not built yet (issue #14)"
# Sample values for path parameters: any value takes a route; these make object-type checks meaningful.
SAMPLES = {"objectType": "contacts", "fromObjectType": "contacts", "toObjectType": "companies"}
# Folders whose `{objectType}` is any type; every other folder's record paths are about its own type
# ("Line Items" -> line_items), which the catalogue must have.
ANY_TYPE_FOLDERS = {"Objects", "Associations", "Associations Schema", "Custom Objects", "Properties", "Pipelines"}
FOLDER_TYPES = {"Commerce Subscriptions": "subscriptions", "Postal Mail": "postal_mail"}


@dataclass(frozen=True)
class Operation:
    folder: str
    family: str
    method: str
    path: str


class SpecSource:
    """The spec collection, from a checkout (files) or a bare git directory (`git show`)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bare = not (root / "PublicApiSpecs").is_dir()

    def paths(self) -> list[str]:
        if not self.bare:
            return [str(p.relative_to(self.root)) for p in (self.root / "PublicApiSpecs" / "CRM").rglob("*.json")]
        listed = subprocess.run(
            ["git", "-C", str(self.root), "ls-tree", "-r", "--name-only", "HEAD", "PublicApiSpecs/CRM"],
            capture_output=True,
            text=True,
            check=True,
        )
        return listed.stdout.splitlines()

    def read(self, path: str) -> dict[str, Any]:
        if not self.bare:
            return json.loads((self.root / path).read_text("utf-8"))
        shown = subprocess.run(["git", "-C", str(self.root), "show", f"HEAD:{path}"], capture_output=True, check=True)
        return json.loads(shown.stdout)


def family_of(version: str) -> str | None:
    if re.fullmatch(r"v\d", version):
        return "classic"
    return version if version in FAMILIES else None


def newest_specs(source: SpecSource) -> dict[tuple[str, str], list[str]]:
    """(folder, family) -> the spec files of the newest rollout of each version in that family (the classic
    family has several: v3 and v4 associations)."""
    by_rollout: dict[tuple[str, str], dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in source.paths():
        parts = path.split("/")
        # PublicApiSpecs/CRM/<folder>/Rollouts/<id>/<version>/<file>.json (not the Postman collections below)
        if len(parts) != 7 or parts[3] != "Rollouts" or not parts[4].isdigit() or family_of(parts[5]) is None:
            continue
        by_rollout[(parts[2], parts[5])][int(parts[4])].append(path)
    specs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (folder, version), rollouts in by_rollout.items():
        specs[(folder, str(family_of(version)))].extend(rollouts[max(rollouts)])
    return specs


def operations(source: SpecSource) -> list[Operation]:
    found: set[Operation] = set()
    for (folder, family), files in newest_specs(source).items():
        for file in files:
            for path, item in source.read(file).get("paths", {}).items():
                for method in METHODS:
                    if method in item:
                        found.add(Operation(folder, family, method.upper(), path))
    return sorted(found, key=lambda o: (o.folder, FAMILIES.index(o.family), o.path, o.method))


def folder_type(folder: str) -> str | None:
    if folder in ANY_TYPE_FOLDERS:
        return None
    return FOLDER_TYPES.get(folder, folder.lower().replace(" ", "_"))


def concrete(path: str, own_type: str | None) -> str:
    def sample(match: re.Match[str]) -> str:
        name = match.group(1)
        if own_type is not None and name in ("objectType", "fromObjectType"):
            return own_type
        return SAMPLES.get(name, "1")

    return re.sub(r"\{([^}]+)\}", sample, path)


def routed(routes: list[BaseRoute], scope: dict[str, Any]) -> bool:
    for route in routes:
        match, child = route.matches(scope)
        if match == Match.FULL:
            if isinstance(route, Mount):
                return routed(route.routes, {**scope, **child})
            return True
    return False


def served(app: Any, catalog_names: set[str], operation: Operation) -> bool:
    path = concrete(operation.path, folder_type(operation.folder))
    scope = {"type": "http", "method": operation.method, "path": path, "root_path": "", "query_string": b""}
    if not routed(app.routes, scope):
        return False
    # A record path naming its type literally (`/crm/v3/objects/invoices/...`) needs that type.
    named = re.match(r"^/crm/(?:v\d/objects|objects/\d{4}-\d\d)/([^/]+)", path)
    return named is None or named.group(1) in catalog_names


def build_app() -> tuple[Any, set[str]]:
    from localspot.app import Services, create_app
    from localspot.kernel.storage import open_database
    from localspot.kernel.storage.migrate import upgrade

    database = open_database(None, ":memory:")
    upgrade(database)
    services = Services(database)
    names = set()
    for object_type in services.schemas.catalog.object_types:
        names |= {object_type.name, object_type.object_type_id, *object_type.aliases}
    return create_app(services).app, names  # the routes, inside the traffic gate


def report(ops: list[Operation], app: Any, names: set[str]) -> str:
    table: dict[tuple[str, str], list[Operation]] = defaultdict(list)
    missing: dict[tuple[str, str], list[Operation]] = defaultdict(list)
    for op in ops:
        table[(op.folder, op.family)].append(op)
        if not served(app, names, op):
            missing[(op.folder, op.family)].append(op)
    folders = sorted({folder for folder, _ in table})
    lines = [
        "# Coverage of HubSpot's CRM specs",
        "",
        "Made by `python scripts/spec_coverage.py PATH > docs/coverage.md` from HubSpot's spec collection",
        "(newest rollout of each folder and version family, betas left out), matching each documented operation",
        "against the routes of a localspot app. Served / documented operations:",
        "",
        "| folder | " + " | ".join(FAMILIES) + " |",
        "|---|" + "---:|" * len(FAMILIES),
    ]
    totals = {family: [0, 0] for family in FAMILIES}
    for folder in folders:
        cells = []
        for family in FAMILIES:
            documented = len(table.get((folder, family), []))
            if not documented:
                cells.append("")
                continue
            done = documented - len(missing.get((folder, family), []))
            totals[family][0] += done
            totals[family][1] += documented
            cells.append(f"{done}/{documented}")
        lines.append(f"| {folder} | " + " | ".join(cells) + " |")
    lines.append(
        "| **all** | " + " | ".join(f"**{d}/{n} ({100 * d / n:.0f}%)**" if n else "" for d, n in totals.values()) + " |"
    )
    lines += ["", "## Not served, and why", ""]
    for (folder, family), ops_missing in sorted(missing.items(), key=lambda kv: (kv[0][0], FAMILIES.index(kv[0][1]))):
        reason = REASONS.get(folder, DEFAULT_REASON)
        lines.append(f"- **{folder}** ({family}, {len(ops_missing)}): {reason}")
        lines.extend(f"  - `{op.method} {op.path}`" for op in ops_missing)
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    source = SpecSource(Path(argv[1]))
    app, names = build_app()
    sys.stdout.write(report(operations(source), app, names))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
