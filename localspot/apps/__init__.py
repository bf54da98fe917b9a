"""The app platform: apps, their OAuth 2.0 installs and tokens (webhooks are still to come)."""
