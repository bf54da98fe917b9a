"""`/crm/v3/property-validations` and its date-versioned twins: a portal's validation rules per property,
which every write then checks (the rules are part of the portal's schema): routes -> service -> queries."""
