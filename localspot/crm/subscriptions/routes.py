"""`/payments-subscriptions/v1/subscriptions/crm/{objectId}/cancel`, `/pause` and `/unpause`."""

from __future__ import annotations

import msgspec
from starlette.routing import BaseRoute, Route

from localspot.crm.subscriptions.service import SubscriptionLifecycle
from localspot.kernel.web.api import Api, Call, Outcome


class PauseInput(msgspec.Struct, rename="camel"):
    pause_reason: str | None = None


class UnpauseInput(msgspec.Struct, rename="camel"):
    proposed_next_billing_date: int | None = None


def routes(api: Api, lifecycle: SubscriptionLifecycle) -> list[BaseRoute]:
    def cancel(call: Call) -> Outcome:
        return lifecycle.act(call.principal, call.path["objectId"], "cancel")

    def pause(call: Call) -> Outcome:
        if call.raw_body.strip():
            call.body(PauseInput)  # checked, not kept: a subscription has no property for the reason
        return lifecycle.act(call.principal, call.path["objectId"], "pause")

    def unpause(call: Call) -> Outcome:
        body = call.body(UnpauseInput) if call.raw_body.strip() else UnpauseInput()
        return lifecycle.act(call.principal, call.path["objectId"], "unpause", body.proposed_next_billing_date)

    return [
        Route("/subscriptions/crm/{objectId}/cancel", api.endpoint(cancel), methods=["POST"]),
        Route("/subscriptions/crm/{objectId}/pause", api.endpoint(pause), methods=["POST"]),
        Route("/subscriptions/crm/{objectId}/unpause", api.endpoint(unpause), methods=["POST"]),
    ]
