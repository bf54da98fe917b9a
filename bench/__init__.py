"""localspot's benchmark suite: `python -m bench --help` (docs/performance.md explains the figures)."""
