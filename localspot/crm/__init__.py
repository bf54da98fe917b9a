"""HubSpot's CRM API areas, one package each: routes (HTTP) -> service (rules) -> queries (SQL)."""
