"""CRM search (`POST .../{type}/search`): filters, sorts, `query`, paging."""
