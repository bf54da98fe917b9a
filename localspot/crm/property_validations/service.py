"""Property validation rules: read per type, per property and per rule type; a PUT creates or replaces the
rule of one type (there is no delete, in any of HubSpot's rollouts). A change moves the portal's schema
version, so every process's next write checks the new rules."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import msgspec

from localspot.crm.property_validations import errors
from localspot.crm.property_validations.queries import RuleQueries
from localspot.kernel import errors as kernel_errors
from localspot.kernel.portals.principal import Principal
from localspot.kernel.portals.schema_cache import SchemaCache, SchemaParts
from localspot.kernel.portals.scopes import Operation
from localspot.kernel.schema import ObjectType, PropertyDefinition
from localspot.kernel.schema.validation_rules import argument_problem
from localspot.kernel.storage import Database, Session
from localspot.kernel.storage.portals import PortalQueries

MAX_ARGUMENTS = 20
MAX_ARGUMENT_LENGTH = 1000


class RuleBody(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    rule_arguments: list[str]
    should_apply_normalization: bool | None = None


class PropertyValidationService:
    def __init__(self, database: Database, schemas: SchemaCache) -> None:
        self.database = database
        self.schemas = schemas

    def for_type(self, principal: Principal, type_name: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            object_type = self._type(session, principal, type_name, write=False)
            rules = RuleQueries.of(session).rules(principal.portal_id, object_type.object_type_id)
        by_property: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for _, name, rule in rules:
            by_property[name].append(_shown(rule))
        return {
            "results": [{"propertyName": name, "propertyValidationRules": found} for name, found in by_property.items()]
        }

    def for_property(self, principal: Principal, type_name: str, name: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            object_type = self._type(session, principal, type_name, write=False)
            prop = _property(object_type, name)
        return {"results": [_shown(rule) for rule in prop.validation_rules]}

    def rule(self, principal: Principal, type_name: str, name: str, rule_type: str) -> dict[str, Any]:
        with self.database.session(write=False) as session:
            object_type = self._type(session, principal, type_name, write=False)
            prop = _property(object_type, name)
        for rule in prop.validation_rules:
            if rule["ruleType"] == rule_type:
                return _shown(rule, with_normalization=True)
        raise errors.rule_not_found(object_type.object_type_id, name, rule_type)

    def put(self, principal: Principal, type_name: str, name: str, rule_type: str, body: RuleBody) -> None:
        if len(body.rule_arguments) > MAX_ARGUMENTS or any(len(a) > MAX_ARGUMENT_LENGTH for a in body.rule_arguments):
            raise errors.invalid_rule(
                f"ruleArguments: at most {MAX_ARGUMENTS} of {MAX_ARGUMENT_LENGTH} characters each"
            )
        with self.database.session(write=True) as session:
            object_type = self._type(session, principal, type_name, write=True)
            prop = _property(object_type, name)
            problem = argument_problem(prop, rule_type, body.rule_arguments)
            if problem is not None:
                raise errors.invalid_rule(problem)
            rule = {
                "ruleType": rule_type,
                "ruleArguments": body.rule_arguments,
                "shouldApplyNormalization": bool(body.should_apply_normalization),
            }
            RuleQueries.of(session).put(
                principal.portal_id, object_type.object_type_id, name, rule, session.clock.now_ms()
            )
            PortalQueries.of(session).bump_schema_version(principal.portal_id)

    def _type(self, session: Session, principal: Principal, type_name: str, *, write: bool) -> ObjectType:
        object_type = self.schemas.load(session, principal.portal_id).resolve(type_name)
        principal.require(Operation.PROPERTIES_WRITE if write else Operation.PROPERTIES_READ, object_type)
        return object_type


def add_to_schema(session: Session, portal_id: int, parts: SchemaParts) -> None:
    """The portal's validation rules, onto the properties they name (a `SchemaSource`)."""
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for object_type_id, name, rule in RuleQueries.of(session).rules(portal_id):
        grouped[(object_type_id, name)].append(rule)
    parts.validation_rules.extend((type_id, name, tuple(rules)) for (type_id, name), rules in grouped.items())


def _property(object_type: ObjectType, name: str) -> PropertyDefinition:
    prop = object_type.properties.get(name)
    if prop is None or prop.archived:
        raise kernel_errors.property_not_found(object_type.object_type_id, name)
    return prop


def _shown(rule: dict[str, Any], *, with_normalization: bool = False) -> dict[str, Any]:
    shown = {"ruleType": rule["ruleType"], "ruleArguments": list(rule["ruleArguments"])}
    if with_normalization:
        shown["shouldApplyNormalization"] = bool(rule.get("shouldApplyNormalization"))
    return shown
