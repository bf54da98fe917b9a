"""The property validations area's SQL: one row per (portal, object type, property, rule type)."""

from __future__ import annotations

from typing import Any

import msgspec

from localspot.kernel.storage.session import Queries, encode_json

_decode = msgspec.json.decode


class RuleQueries(Queries):
    def rules(self, portal_id: int, object_type_id: str | None = None) -> list[tuple[str, str, dict[str, Any]]]:
        """(object type, property, rule) of the portal's rules, in a stable order."""
        where, params = (
            ("AND object_type_id = ? ", (portal_id, object_type_id)) if object_type_id else ("", (portal_id,))
        )
        rows = self.fetchall(
            "SELECT object_type_id, property_name, rule FROM property_validation_rules WHERE portal_id = ? "
            f"{where}ORDER BY object_type_id, property_name, rule_type",
            params,
        )
        return [(row[0], row[1], _decode(row[2])) for row in rows]

    def put(self, portal_id: int, object_type_id: str, name: str, rule: dict[str, Any], now: int) -> None:
        text = encode_json(rule).decode()
        self.execute(
            "INSERT INTO property_validation_rules (portal_id, object_type_id, property_name, rule_type, rule, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (portal_id, object_type_id, property_name, rule_type) "
            "DO UPDATE SET rule = ?, updated_at = ?",
            (portal_id, object_type_id, name, rule["ruleType"], text, now, text, now),
        )
