"""Limits tracking: reports, counted from what the other areas hold, of how much of each CRM limit a portal
uses. No tables of its own."""
