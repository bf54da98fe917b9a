"""Owners (`/crm/v3/owners`), read-only over the API."""
