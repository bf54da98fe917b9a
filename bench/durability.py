"""What `--durability full` costs on SQLite: the same writes against a server with `normal` and one with
`full`, in the same run, as medians and their ratio (bench.side_by_side).

    python -m bench.durability [--rounds 300]
"""

from __future__ import annotations

from bench import side_by_side

if __name__ == "__main__":
    side_by_side.main({"normal": ["--durability", "normal"], "full": ["--durability", "full"]})
