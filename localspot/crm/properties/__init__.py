"""Property definitions and property groups of every object type."""
