"""The objects area's SQL: records, property history, unique values, merge and erasure."""
