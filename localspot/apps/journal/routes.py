"""`/webhooks-journal/...`: journal subscriptions and filters, the global and local journals, snapshots, and
the signed journal files (`/_localspot/journal-files/...`, served without credentials). Every call but the
files authenticates the app by its client-credentials token; each service checks the scope it needs."""

from __future__ import annotations

from collections.abc import Callable

from starlette.routing import BaseRoute, Route

from localspot.apps.journal import errors
from localspot.apps.journal.reads import FILES_PATH, BatchRead, JournalReads
from localspot.apps.journal.snapshots import JournalSnapshots, SnapshotBatch
from localspot.apps.journal.subscriptions import FilterCreate, JournalSubscriptions, SubscriptionUpsert
from localspot.kernel.web.api import Api, Call, Outcome

# 2026-09 and 2027-03-beta repeat 2026-03's paths and bodies (docs/decisions.md, "Webhooks journal").
VERSIONS = ("2026-03", "2026-09", "2027-03-beta")


def routes(
    api: Api, subscriptions: JournalSubscriptions, reads: JournalReads, snapshots: JournalSnapshots
) -> list[BaseRoute]:
    def subscription_root(call: Call) -> Outcome:
        if call.method == "POST":
            return subscriptions.upsert(call.principal, call.body(SubscriptionUpsert))  # type: ignore[arg-type]
        return subscriptions.list(call.principal)

    def subscription(call: Call) -> Outcome:
        if call.method == "DELETE":
            return subscriptions.delete(call.principal, call.path["subscriptionId"])
        return subscriptions.get(call.principal, call.path["subscriptionId"])

    def one_filter(call: Call) -> Outcome:
        if call.method == "DELETE":
            return subscriptions.delete_filter(call.principal, call.path["filterId"])
        return subscriptions.get_filter(call.principal, call.path["filterId"])

    subscription_table: list[tuple[str, Callable[[Call], Outcome], list[str]]] = [
        ("", subscription_root, ["GET", "POST"]),
        ("/filters", lambda c: subscriptions.create_filter(c.principal, c.body(FilterCreate)), ["POST"]),
        (
            "/filters/subscription/{subscriptionId}",
            lambda c: subscriptions.filters_of(c.principal, c.path["subscriptionId"]),
            ["GET"],
        ),
        ("/filters/{filterId}", one_filter, ["GET", "DELETE"]),
        ("/portals/{portalId}", lambda c: subscriptions.delete_portal(c.principal, c.path["portalId"]), ["DELETE"]),
        ("/{subscriptionId}", subscription, ["GET", "DELETE"]),
    ]

    def journal_table(local: bool) -> list[tuple[str, Callable[[Call], Outcome], list[str]]]:
        def portal(call: Call) -> int | None:
            if not local:
                return None
            raw = call.query.text("installPortalId")
            if raw is None or not raw.isdigit() or len(raw) > 18:
                raise errors.invalid("installPortalId", "the local journal names the account (installPortalId)")
            return int(raw)

        return [
            ("/earliest", lambda c: reads.single(c.principal, c.base_url, portal(c), latest=False), ["GET"]),
            ("/latest", lambda c: reads.single(c.principal, c.base_url, portal(c), latest=True), ["GET"]),
            (
                "/offset/{offset}/next",
                lambda c: reads.next(c.principal, c.base_url, portal(c), c.path["offset"]),
                ["GET"],
            ),
            (
                "/batch/earliest/{count}",
                lambda c: reads.batch(c.principal, c.base_url, portal(c), c.path["count"], None, latest=False),
                ["GET"],
            ),
            (
                "/batch/latest/{count}",
                lambda c: reads.batch(c.principal, c.base_url, portal(c), c.path["count"], None, latest=True),
                ["GET"],
            ),
            (
                "/batch/{offset}/next/{count}",
                lambda c: reads.batch(
                    c.principal, c.base_url, portal(c), c.path["count"], c.path["offset"], latest=False
                ),
                ["GET"],
            ),
            (
                "/batch/read",
                lambda c: reads.batch_read(c.principal, c.base_url, portal(c), c.body(BatchRead)),
                ["POST"],
            ),
            ("/status/{statusId}", lambda c: reads.status(c.principal, c.path["statusId"]), ["GET"]),
        ]

    table = [
        (f"/webhooks-journal/subscriptions/{version}{path}", handler, methods)
        for version in VERSIONS
        for path, handler, methods in subscription_table
    ]
    for family, local in (("journal", False), ("journal-local", True)):
        table += [
            (f"/webhooks-journal/{family}/{version}{path}", handler, methods)
            for version in VERSIONS
            for path, handler, methods in journal_table(local)
        ]
    table += [
        (
            f"/webhooks-journal/snapshots/{version}/crm",
            lambda c: snapshots.create(c.principal, c.body(SnapshotBatch)),
            ["POST"],
        )
        for version in VERSIONS
    ]
    served: list[BaseRoute] = [Route(path, api.endpoint(handler), methods=methods) for path, handler, methods in table]
    served.append(
        Route(
            FILES_PATH + "/{appId}/{offset}",
            api.endpoint(
                lambda c: reads.file(
                    c.path["appId"], c.path["offset"], c.query.text("expires"), c.query.text("signature")
                ),
                public=True,
            ),
            methods=["GET"],
        )
    )
    return served
