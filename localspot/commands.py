"""The command line's control-plane commands: `export`, `import`, `portal create|list|reset|delete`, and the
`serve --seed` / `--export-on-exit` steps. Each works against a running server's admin API (`--url`) or, for
export and import, a database file; every failure is a `Refused` (one line on stderr, exit status 2)."""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from localspot.config import Settings
from localspot.startup import Refused

PROGRESS_ABOVE = 10_000
CHUNK = 64 * 1024


class AdminClient:
    """The admin API of a running server, over HTTP."""

    def __init__(self, url: str, token: str | None) -> None:
        self.base = url.rstrip("/") + "/_localspot"
        self.token = token

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> Any:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data: Any = body
        if body is not None and progress is not None:
            headers["Content-Length"] = str(len(body))
            data = _chunks(body, progress)
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=600) as answer:
                raw = answer.read()
        except urllib.error.HTTPError as error:
            raise Refused(f"{method} {path}: {error.code} {_message(error.read())}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise Refused(f"cannot reach {self.base}: {reason}") from None
        return json.loads(raw) if raw else None


def _chunks(body: bytes, progress: Callable[[int], None]) -> Iterator[bytes]:
    for start in range(0, len(body), CHUNK):
        yield body[start : start + CHUNK]
        progress(min(len(body), start + CHUNK))


def _message(raw: bytes) -> str:
    try:
        return str(json.loads(raw).get("message", raw.decode(errors="replace")))
    except (ValueError, AttributeError):
        return raw.decode(errors="replace").strip()[:200]


def read_json(path: str) -> Any:
    try:
        return json.loads(Path(path).read_bytes())
    except FileNotFoundError:
        raise Refused(f"{path}: no such file") from None
    except (OSError, ValueError) as exc:
        raise Refused(f"{path}: not a JSON document ({exc})") from None


def record_count(document: Any) -> int:
    records = document.get("records") if isinstance(document, dict) else None
    if not isinstance(records, dict):
        return 0
    return sum(len(items) for items in records.values() if isinstance(items, list))


class _Bar:
    """click's progress bar on a terminal for a big import; nothing otherwise."""

    def __init__(self, total: int, label: str) -> None:
        self.bar: Any = None
        self.done = 0
        if total > PROGRESS_ABOVE and sys.stdout.isatty():
            import click

            self.bar = click.progressbar(length=total, label=label, file=sys.stdout)
            self.bar.__enter__()

    def update(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(done - self.done)
            self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def export_portal(args: Any, database_of: Callable[[], Any]) -> int:
    if args.url:
        document = AdminClient(args.url, args.admin_token).call("GET", f"/portals/{args.portal_id}/export")
    else:
        document = _locally(database_of, lambda control: control.transfer.export(args.portal_id))
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    if args.output and args.output != "-":
        try:
            Path(args.output).write_text(text)
        except OSError as exc:
            raise Refused(f"{args.output}: cannot be written ({exc.strerror})") from None
    else:
        sys.stdout.write(text)
    return 0


def import_portal(args: Any, database_of: Callable[[], Any]) -> int:
    document = read_json(args.file)
    portal_id = args.portal_id or (document.get("portalId") if isinstance(document, dict) else None)
    if not isinstance(portal_id, int) or isinstance(portal_id, bool):
        raise Refused(f"{args.file} names no portal: give --portal-id")
    query = "?mode=merge" if args.mode == "merge" else ""
    total = record_count(document)
    if args.url:
        client = AdminClient(args.url, args.admin_token)
        if not any(p["portalId"] == portal_id for p in client.call("GET", "/portals")["results"]):
            client.call("POST", "/portals", json.dumps({"portalId": portal_id}).encode())
        body = json.dumps(document).encode()
        bar = _Bar(len(body) if total > PROGRESS_ABOVE else 0, "Uploading")
        try:
            result = client.call("POST", f"/portals/{portal_id}/import{query}", body, progress=bar.update)
        finally:
            bar.close()
    else:
        from localspot.control.portal_format import decode_document

        def run(control: Any) -> Any:
            if not any(p["portalId"] == portal_id for p in control.portals.list()["results"]):
                from localspot.control.portals import PortalCreate

                control.portals.create(PortalCreate(portal_id=portal_id))
            bar = _Bar(total, "Importing")
            try:
                return control.transfer.import_(
                    portal_id, decode_document(document), merge=args.mode == "merge", progress=bar.update
                )[1]
            finally:
                bar.close()

        result = _locally(database_of, run)
    counts = ", ".join(f"{n} {name}" for name, n in result["imported"].items()) or "no records"
    print(f"localspot: imported {counts} into portal {portal_id}")
    return 0


def portal_command(args: Any) -> int:
    client = AdminClient(args.url, args.admin_token)
    if args.portal_command == "create":
        body: dict[str, Any] = {}
        if args.portal_id is not None:
            body["portalId"] = args.portal_id
        if args.name is not None:
            body["name"] = args.name
        print(json.dumps(client.call("POST", "/portals", json.dumps(body).encode())))
    elif args.portal_command == "list":
        for portal in client.call("GET", "/portals")["results"]:
            print(json.dumps(portal))
    elif args.portal_command == "reset":
        client.call("POST", f"/portals/{args.portal_id}/reset")
        print(f"localspot: portal {args.portal_id} reset")
    else:
        client.call("DELETE", f"/portals/{args.portal_id}")
        print(f"localspot: portal {args.portal_id} deleted")
    return 0


def _locally(database_of: Callable[[], Any], action: Callable[[Any], Any]) -> Any:
    """`action` on the control plane of a database opened here (not served)."""
    from localspot.app import Control, Services
    from localspot.kernel.errors import ApiError

    database = database_of()
    try:
        return action(Control(Services(database), Settings()))
    except ApiError as error:
        raise Refused(error.message) from None
    finally:
        database.close()


def load_seeds(services: Any, settings: Settings) -> list[str]:
    """Each `--seed` file into its portal when that portal was empty at start: an export document into the
    portal it names, a seed file into the default portal. Answers a line for the banner per file."""
    from localspot.app import Control
    from localspot.control.portal_format import decode_document
    from localspot.control.portals import PortalCreate
    from localspot.control.seed import decode_seed
    from localspot.kernel.errors import ApiError

    control = Control(services, settings)
    documents = [(path, read_json(path)) for path in settings.seeds]
    targets = {}
    for path, document in documents:
        is_export = isinstance(document, dict) and "format" in document
        targets[path] = document.get("portalId", settings.portal_id) if is_export else settings.portal_id
    known = {p["portalId"] for p in control.portals.list()["results"]}
    empty = {}
    for portal_id in set(targets.values()):
        if portal_id not in known:
            control.portals.create(PortalCreate(portal_id=portal_id))
        empty[portal_id] = not control.portals.has_data(portal_id)
    lines = []
    for path, document in documents:
        portal_id = targets[path]
        if not empty[portal_id]:
            lines.append(f"Seed:   {path} skipped (portal {portal_id} had data)")
            continue
        try:
            if isinstance(document, dict) and "format" in document:
                control.transfer.import_(portal_id, decode_document(document), merge=True)
            else:
                if not isinstance(document, dict):
                    raise Refused(f"--seed {path}: a seed file is a JSON object of record lists")
                control.seeder.seed(portal_id, decode_seed(document))
        except ApiError as error:
            raise Refused(f"--seed {path}: {error.message}") from None
        lines.append(f"Seed:   {path} loaded into portal {portal_id}")
    return lines


def export_on_exit(services: Any, settings: Settings) -> None:
    from localspot.app import Control

    document = Control(services, settings).transfer.export(settings.portal_id)
    try:
        Path(settings.export_on_exit).write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    except OSError as exc:
        print(f"localspot: --export-on-exit {settings.export_on_exit}: {exc.strerror}", file=sys.stderr)


def parse_url(text: str) -> str:
    parsed = urllib.parse.urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise argparse.ArgumentTypeError(f"expected http://host:port, got {text!r}")
    return text
