"""The webhooks journal (2026-03, the poll model): an app's journal subscriptions, the journal of the events
they ask for, read by offset through signed file links, and snapshots of records into it."""
