"""The counting methods the limits area uses, in-process on SQLite: records per type and their display names
(RecordReads), records crowded with associations and the configured limits (AssociationUsageService), and the
default per-record association limit, lowered here so a handful of associations reach it."""

from __future__ import annotations

import pytest

from localspot.app import Services
from localspot.crm.associations.inputs import LimitInput
from localspot.crm.limits import service as limits_service
from localspot.crm.objects.inputs import CreateInput
from tests.support.in_process import PRINCIPAL, create_tasks_on, services_on

CONTACT_TO_TASK = 203


@pytest.fixture
def services(tmp_path):
    yield from services_on(tmp_path / "limits.db")


def contact(services: Services, email: str | None = None) -> int:
    item = CreateInput(properties={"email": email} if email else {})
    return int(services.records.batch_create(PRINCIPAL, "contacts", [item]).results[0]["id"])


def test_records_are_counted_and_named(services):
    named, unnamed = contact(services, "ada@example.com"), contact(services)
    create_tasks_on(services, named, 2)
    assert services.record_reads.counts(1) == {"0-1": 2, "0-27": 2}
    contacts = services.schemas.catalog.object_types[0]
    assert services.record_reads.display_names(1, contacts, [named, unnamed, 999_999]) == {
        named: "ada@example.com",
        unnamed: str(unnamed),
    }


def test_crowded_records_count_live_targets_per_pair_or_per_type(services):
    busy, quiet = contact(services), contact(services)
    tasks = create_tasks_on(services, busy, 3)
    create_tasks_on(services, quiet, 1)
    usage = services.association_usage
    assert usage.crowded_records(1, 2, by_type=False) == [("0-1", "0-27", busy, None, 3)]
    assert usage.crowded_records(1, 3, by_type=True) == [("0-1", "0-27", busy, ("HUBSPOT_DEFINED", CONTACT_TO_TASK), 3)]
    # Each task has one contact: with a threshold of 1 both directions show.
    assert len(usage.crowded_records(1, 1, by_type=False)) == 2 + 4
    services.records.batch_archive(PRINCIPAL, "tasks", [str(tasks[0])])
    assert usage.crowded_records(1, 3, by_type=False) == []
    assert usage.configured_limits(1) == {}
    limits = [
        LimitInput(category="HUBSPOT_DEFINED", type_id=CONTACT_TO_TASK, max_to_object_ids=7),
    ]
    services.association_labels.limits_create(PRINCIPAL, "contacts", "tasks", limits)
    assert usage.configured_limits(1) == {("0-1", "0-27"): (("HUBSPOT_DEFINED", CONTACT_TO_TASK), 7)}


def test_the_default_limit_applies_where_none_is_configured(services, monkeypatch):
    monkeypatch.setattr(limits_service, "RECORD_ASSOCIATIONS", 5)
    near, full = contact(services, "near@example.com"), contact(services, "full@example.com")
    create_tasks_on(services, near, 4)
    create_tasks_on(services, full, 5)
    assert services.limits.records_near_limit(PRINCIPAL, "contacts", "tasks") == {
        "limit": 5,
        "totalRecordsNearLimit": 1,
        "totalRecordsAtLimit": 1,
        "nearLimitFromRecordSamples": [{"objectId": near, "label": "near@example.com", "usage": 4, "percentage": 80.0}],
        "atLimitFromRecordSamples": [{"objectId": full, "label": "full@example.com"}],
    }
    flags = {"hasRecordsNearLimit": True, "hasRecordsAtLimit": True}
    assert services.limits.types_near_limits(PRINCIPAL) == {
        "results": [{"objectTypeId": "0-1", "singularLabel": "Contact", "pluralLabel": "Contacts", **flags}]
    }
    assert services.limits.types_near_limits(PRINCIPAL, "0-1") == {
        "results": [{"objectTypeId": "0-27", "singularLabel": "Task", "pluralLabel": "Tasks", **flags}]
    }
