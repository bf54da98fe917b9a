"""Custom object types (`/crm-object-schemas`)."""
