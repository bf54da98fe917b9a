"""The associations area's SQL: association rows (with SQLite's deferred settling), labels and limits."""
