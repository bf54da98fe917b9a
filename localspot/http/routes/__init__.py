"""Endpoints, one module per API area; each exposes `routes(api)` relative to its mount point."""
