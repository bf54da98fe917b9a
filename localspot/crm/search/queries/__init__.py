"""The search area's SQL: the WHERE builder and the search statements."""
