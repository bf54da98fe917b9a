"""The app platform: apps, their OAuth 2.0 installs and tokens, and webhooks (settings, subscriptions, events and
their deliveries)."""
