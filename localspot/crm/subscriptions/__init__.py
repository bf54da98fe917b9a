"""Commerce subscriptions' lifecycle: cancel, pause and unpause a subscription record
(`/payments-subscriptions/v1/subscriptions/crm/{objectId}/...`)."""
