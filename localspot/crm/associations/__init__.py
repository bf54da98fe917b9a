"""Associations between records: v3 and v4 paths, labels, limits, and those given inline on creates."""
