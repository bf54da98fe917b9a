"""The control plane's SQL: the settings every worker shares, portal snapshots, fault rules, rate counters."""

from __future__ import annotations

from typing import Any

import msgspec

from localspot.kernel.storage.session import Queries, encode_json

_decode = msgspec.json.decode


class ControlQueries(Queries):
    # --- shared settings: each change moves `version`, which every process polls ----------------------

    def version(self) -> int:
        return int(self.fetchone("SELECT value FROM control_settings WHERE name = 'version'")[0])

    def settings(self) -> dict[str, Any]:
        rows = self.fetchall("SELECT name, value FROM control_settings WHERE name <> 'version'")
        return {name: _decode(value) for name, value in rows}

    def save_setting(self, name: str, value: Any) -> None:
        self.execute(
            "INSERT INTO control_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = ?",
            (name, encode_json(value).decode(), encode_json(value).decode()),
        )
        self.bump_version()

    def bump_version(self) -> None:
        self.execute(
            "UPDATE control_settings SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE name = 'version'"
        )

    # --- snapshots ----------------------------------------------------------------------------------------

    def save_snapshot(self, portal_id: int, name: str, now: int, record_count: int, data: bytes) -> bool:
        """False when the portal already has a snapshot of that name."""
        rows = self.fetchall(
            "INSERT INTO portal_snapshots (portal_id, name, created_at, record_count, data) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (portal_id, name) DO NOTHING RETURNING name",
            (portal_id, name, now, record_count, data),
        )
        return bool(rows)

    def snapshots(self, portal_id: int) -> list[tuple[str, int, int]]:
        """(name, created at, record count) of each snapshot, oldest first."""
        return [
            (row[0], row[1], row[2])
            for row in self.fetchall(
                "SELECT name, created_at, record_count FROM portal_snapshots WHERE portal_id = ? "
                "ORDER BY created_at, name",
                (portal_id,),
            )
        ]

    def snapshot_data(self, portal_id: int, name: str) -> bytes | None:
        row = self.fetchone("SELECT data FROM portal_snapshots WHERE portal_id = ? AND name = ?", (portal_id, name))
        return None if row is None else bytes(row[0])

    def delete_snapshot(self, portal_id: int, name: str) -> bool:
        return bool(
            self.fetchall(
                "DELETE FROM portal_snapshots WHERE portal_id = ? AND name = ? RETURNING name", (portal_id, name)
            )
        )

    def delete_snapshots(self, portal_id: int) -> None:
        self.execute("DELETE FROM portal_snapshots WHERE portal_id = ?", (portal_id,))

    # --- fault rules --------------------------------------------------------------------------------------

    def insert_fault(self, fault_id: int, rule: dict[str, Any], remaining: int | None, now: int) -> None:
        self.execute(
            "INSERT INTO fault_rules (id, rule, remaining, created_at) VALUES (?, ?, ?, ?)",
            (fault_id, encode_json(rule).decode(), remaining, now),
        )
        self.bump_version()

    def faults(self) -> list[tuple[int, dict[str, Any], int | None]]:
        """(id, rule, remaining times or None for unlimited), in creation order."""
        rows = self.fetchall("SELECT id, rule, remaining FROM fault_rules ORDER BY id")
        return [(row[0], _decode(row[1]), row[2]) for row in rows]

    def take_fault(self, fault_id: int) -> bool:
        """Uses up one of a limited rule's times; False when none is left (another worker took the last)."""
        row = self.fetchone(
            "UPDATE fault_rules SET remaining = remaining - 1 WHERE id = ? AND remaining > 0 RETURNING remaining",
            (fault_id,),
        )
        if row is not None and row[0] == 0:
            self.execute("DELETE FROM fault_rules WHERE id = ?", (fault_id,))
            self.bump_version()
        return row is not None

    def delete_fault(self, fault_id: int) -> bool:
        found = bool(self.fetchall("DELETE FROM fault_rules WHERE id = ? RETURNING id", (fault_id,)))
        if found:
            self.bump_version()
        return found

    def delete_faults(self) -> None:
        self.execute("DELETE FROM fault_rules")
        self.bump_version()

    # --- rate-limit counters ------------------------------------------------------------------------------

    def count_requests(self, portal_id: int, policy: str, window_start: int, requests: int) -> int:
        """Counts requests in the portal's window for the policy; returns the window's count so far."""
        row = self.fetchone(
            "INSERT INTO rate_counters (portal_id, policy, window_start, used) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (portal_id, policy, window_start) DO UPDATE SET used = rate_counters.used + ? "
            "RETURNING used",
            (portal_id, policy, window_start, requests, requests),
        )
        return int(row[0])

    def window_count(self, portal_id: int, policy: str, window_start: int) -> int:
        """The requests counted so far in the portal's window for the policy (counting none)."""
        row = self.fetchone(
            "SELECT used FROM rate_counters WHERE portal_id = ? AND policy = ? AND window_start = ?",
            (portal_id, policy, window_start),
        )
        return 0 if row is None else int(row[0])

    def forget_windows(self, portal_id: int, policy: str, before: int) -> None:
        self.execute(
            "DELETE FROM rate_counters WHERE portal_id = ? AND policy = ? AND window_start < ?",
            (portal_id, policy, before),
        )

    def delete_counters(self, portal_id: int) -> None:
        self.execute("DELETE FROM rate_counters WHERE portal_id = ?", (portal_id,))
