"""`/crm/v3/exports` and its date-versioned twins: a view (filters) or a list of records out as a CSV or
spreadsheet file, served by localspot itself at an expiring link: routes -> service -> queries."""
