"""localspot: a self-hosted, stateful server that speaks HubSpot's CRM API."""

__version__ = "0.1.0"
