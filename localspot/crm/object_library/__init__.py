"""The object library: which object types are activated in a portal (`/crm/v3/object-library/enablement`)."""
