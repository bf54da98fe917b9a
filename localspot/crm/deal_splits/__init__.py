"""Deal splits: the owners a deal's amount is credited to, and each one's share (`/crm/objects/v3/deals/splits`)."""
