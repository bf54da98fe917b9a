"""What the request journal costs: the same writes against a server with the journal off (`--journal-size 0`)
and one with it on (the default, 1,000 entries, each with its request and response bodies), in the same run,
as medians and their ratio (bench.side_by_side).

    python -m bench.journal [--rounds 300]
"""

from __future__ import annotations

from bench import side_by_side

if __name__ == "__main__":
    side_by_side.main({"off": ["--journal-size", "0"], "on": ["--journal-size", "1000"]})
