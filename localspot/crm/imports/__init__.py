"""`/crm/v3/imports` and its date-versioned twins: CSV and spreadsheet files into records, run in the
background, durably: routes -> service -> queries, with the row reader and the background runner."""
