"""Reading the journal over real HTTP: what single, batch and association writes journal (and a rolled-back
write does not), offsets paging forward to a 204, batch reads (the SDK's), the local journal of one account
beside the global one, and links that only open for their own app."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.apps.journal.support import entries, events, files, journal_app, object_subscription
from tests.support.asserts import ISO_MS, assert_error

JOURNAL = "/webhooks-journal/journal/2026-03"


def _contact(crm: httpx.Client, **properties: str) -> str:
    created = crm.post("/crm/v3/objects/contacts", json={"properties": properties})
    assert created.status_code == 201, created.text
    return created.json()["id"]


@pytest.fixture
def subscribed(base_url, admin, new_portal):
    """(app, portal id, the portal's CRM client): contacts and their associations subscribed."""
    portal_id, crm = new_portal()
    app = journal_app(base_url, admin, portal_id)
    with app.http() as client:
        assert (
            client.post("/webhooks-journal/subscriptions/2026-03", json=object_subscription(portal_id)).status_code
            == 200
        )
        association = {
            "subscriptionType": "ASSOCIATION",
            "portalId": portal_id,
            "objectTypeId": "0-1",
            "actions": ["ASSOCIATION_ADDED", "ASSOCIATION_REMOVED"],
            "objectIds": [],
            "associatedObjectTypeIds": [],
        }
        assert client.post("/webhooks-journal/subscriptions/2026-03", json=association).status_code == 200
    return app, portal_id, crm


def test_single_batch_and_association_writes_land_in_the_journal(subscribed):
    app, portal_id, crm = subscribed
    first = _contact(crm, email=f"{uuid.uuid4().hex}@example.com", firstname="Ada")
    batch = crm.post(
        "/crm/v3/objects/contacts/batch/create",
        json={"inputs": [{"properties": {"firstname": "Bo"}}, {"properties": {"firstname": "Cy"}}]},
    )
    assert batch.status_code == 201, batch.text
    assert crm.patch(f"/crm/v3/objects/contacts/{first}", json={"properties": {"firstname": ""}}).status_code == 200
    company = crm.post("/crm/v3/objects/companies", json={"properties": {"name": "Acme"}}).json()["id"]
    linked = crm.put(f"/crm/v4/objects/contacts/{first}/associations/default/companies/{company}")
    assert linked.status_code == 200, linked.text
    assert crm.delete(f"/crm/v3/objects/contacts/{first}").status_code == 204
    with app.http() as client:
        found = entries(client, "journal")
        journaled = [event for entry in found for event in entry["journalEvents"]]
    # One entry per write (the batch's two creations in one), nothing for the unsubscribed company.
    assert [[e["action"] for e in entry["journalEvents"]] for entry in found] == [
        ["CREATE"],
        ["CREATE", "CREATE"],
        ["UPDATE"],
        ["ASSOCIATION_ADDED"],
        ["DELETE"],
    ]
    assert (journaled[0]["objectId"], journaled[3]["objectId"]) == (int(first), int(first))
    create = journaled[0]
    assert (create["type"], create["portalId"], create["objectTypeId"]) == ("crmObject", portal_id, "0-1")
    assert create["propertyChanges"]["firstname"] == "Ada"
    assert ISO_MS.match(create["occurredAt"])
    assert {journaled[1]["objectId"], journaled[2]["objectId"]} == {int(r["id"]) for r in batch.json()["results"]}
    assert journaled[3]["propertyChanges"] == {"firstname": None}  # a cleared value reads as null
    association = next(e for e in journaled if e["type"] == "association")
    assert association == {
        "type": "association",
        "portalId": portal_id,
        "occurredAt": association["occurredAt"],
        "action": "ASSOCIATION_ADDED",
        "objectTypeId": "0-1",
        "objectId": int(first),
        "fromObjectId": int(first),
        "toObjectTypeId": "0-2",
        "toObjectId": int(company),
        "associationType": "CONTACT_TO_COMPANY",
    }
    assert journaled[-1]["action"] == "DELETE" and journaled[-1]["objectId"] == int(first)
    assert ISO_MS.match(found[0]["publishedAt"])


def test_a_rolled_back_write_journals_nothing(subscribed):
    app, _, crm = subscribed
    _contact(crm, firstname="Kept")
    refused = crm.post(
        "/crm/v3/objects/contacts/batch/create",
        json={"inputs": [{"properties": {"firstname": "Ok"}}, {"properties": {"no_such_property": "x"}}]},
    )
    assert refused.status_code == 400
    with app.http() as client:
        assert [e["propertyChanges"]["firstname"] for e in events(client, "journal")] == ["Kept"]


def test_offsets_page_forward_to_a_204_and_unknown_ones_are_404(subscribed):
    app, _, crm = subscribed
    with app.http() as client:
        assert client.get(f"{JOURNAL}/earliest").status_code == 204
        assert client.get(f"{JOURNAL}/latest").status_code == 204
        ids = [_contact(crm, firstname=name) for name in ("A", "B", "C")]
        first = client.get(f"{JOURNAL}/earliest")
        assert first.status_code == 200
        ref = first.json()
        assert set(ref) == {"url", "expiresAt", "currentOffset"}
        assert ISO_MS.match(ref["expiresAt"])
        uuid.UUID(ref["currentOffset"])
        seen = [files(ref)["journalEvents"][0]["objectId"]]
        while True:
            following = client.get(f"{JOURNAL}/offset/{ref['currentOffset']}/next")
            if following.status_code == 204:
                assert following.content == b""
                break
            assert following.status_code == 200, following.text
            ref = following.json()
            seen.append(files(ref)["journalEvents"][0]["objectId"])
        assert seen == [int(i) for i in ids]
        assert client.get(f"{JOURNAL}/latest").json()["currentOffset"] == ref["currentOffset"]
        unknown = str(uuid.uuid4())
        body = assert_error(client.get(f"{JOURNAL}/offset/{unknown}/next"), 404, "OBJECT_NOT_FOUND")
        assert body["context"] == {"offsets": [unknown]}
        assert_error(client.get(f"{JOURNAL}/batch/{unknown}/next/5"), 404, "OBJECT_NOT_FOUND")
        assert_error(client.get(f"{JOURNAL}/offset/{'x' * 5000}/next"), 404, "OBJECT_NOT_FOUND")
        for count in ("0", "-1", "x", "9" * 20):
            assert_error(client.get(f"{JOURNAL}/batch/earliest/{count}"), 400, "VALIDATION_ERROR")
    sdk = app.sdk()
    earliest = sdk.webhooks_journal.journal.batch.get_earliest(2)
    assert earliest.status == "COMPLETE" and len(earliest.results) == 2
    rest = sdk.webhooks_journal.journal.batch.get_from_offset(10, offset=earliest.results[-1].current_offset)
    assert [r.current_offset for r in rest.results] == [ref["currentOffset"]]
    latest = sdk.webhooks_journal.journal.batch.get_latest(2)
    assert [r.current_offset for r in latest.results] == [earliest.results[1].current_offset, ref["currentOffset"]]
    read = sdk.webhooks_journal.journal.batch.get(inputs=[ref["currentOffset"], earliest.results[0].current_offset])
    assert [r.current_offset for r in read.results] == [ref["currentOffset"], earliest.results[0].current_offset]
    with app.http() as client:
        partly = client.post(f"{JOURNAL}/batch/read", json={"inputs": [ref["currentOffset"], "nope"]})
        assert partly.status_code == 207
        body = partly.json()
        assert (body["numErrors"], body["errors"][0]["category"], body["errors"][0]["context"]) == (
            1,
            "OBJECT_NOT_FOUND",
            {"offsets": ["nope"]},
        )
        too_many = client.post(f"{JOURNAL}/batch/read", json={"inputs": [str(i) for i in range(101)]})
        assert_error(too_many, 400, "VALIDATION_ERROR")


def test_the_local_journal_holds_one_account_and_apps_see_only_their_own(base_url, admin, new_portal):
    (one, crm_one), (two, crm_two) = new_portal(), new_portal()
    app = journal_app(base_url, admin, one, two)
    other = journal_app(base_url, admin, one)
    for made, portals in ((app, (one, two)), (other, (one,))):
        with made.http() as client:
            for portal_id in portals:
                answer = client.post("/webhooks-journal/subscriptions/2026-03", json=object_subscription(portal_id))
                assert answer.status_code == 200
    in_one, in_two = _contact(crm_one, firstname="One"), _contact(crm_two, firstname="Two")
    with app.http() as client:
        assert [e["objectId"] for e in events(client, "journal")] == [int(in_one), int(in_two)]
        assert [e["objectId"] for e in events(client, f"journal-local?installPortalId={one}")] == [int(in_one)]
        assert [e["objectId"] for e in events(client, f"journal-local?installPortalId={two}")] == [int(in_two)]
        local = "/webhooks-journal/journal-local/2026-03"
        assert_error(client.get(f"{local}/earliest"), 400, "VALIDATION_ERROR")
        two_ref = client.get(f"{local}/earliest", params={"installPortalId": two}).json()
        # An offset of one account is unknown to another's local journal.
        answer = client.get(f"{local}/offset/{two_ref['currentOffset']}/next", params={"installPortalId": one})
        assert_error(answer, 404, "OBJECT_NOT_FOUND")
    with other.http() as client:
        assert [e["objectId"] for e in events(client, "journal")] == [int(in_one)]
        assert_error(client.get(f"{JOURNAL}/offset/{two_ref['currentOffset']}/next"), 404, "OBJECT_NOT_FOUND")
    # A link opens for no one once changed.
    tampered = two_ref["url"].replace("signature=", "signature=0")
    assert_error(httpx.get(tampered), 403, "FORBIDDEN")
    assert_error(httpx.get(two_ref["url"].replace(f"/{app.id}/", f"/{other.id}/")), 403, "FORBIDDEN")


def test_journal_reads_need_the_read_scope(subscribed):
    app, _, _ = subscribed
    with app.http(app.new_token(["developer.webhooks_journal.subscriptions.read"])) as client:
        body = assert_error(client.get(f"{JOURNAL}/earliest"), 403, "MISSING_SCOPES")
        assert body["errors"][0]["context"]["requiredGranularScopes"][0] == "webhooks-journal-data-access"
        assert_error(client.post(f"{JOURNAL}/batch/read", json={"inputs": []}), 403, "MISSING_SCOPES")


def test_filters_merges_and_gdpr_deletes(base_url, admin, new_portal):
    portal_id, crm = new_portal()
    app = journal_app(base_url, admin, portal_id)
    path = "/webhooks-journal/subscriptions/2026-03"
    with app.http() as client:
        created = client.post(path, json=object_subscription(portal_id, actions=["CREATE"], properties=["firstname"]))
        condition = {"filterType": "CRM_OBJECT_PROPERTY", "property": "firstname", "operator": "IN", "values": ["Ada"]}
        other = {"filterType": "CRM_OBJECT_PROPERTY", "property": "firstname", "operator": "STARTS_WITH", "value": "b"}
        for conditions in ([condition], [other]):  # OR across filters
            body = {"subscriptionId": created.json()["id"], "filter": {"conditions": conditions}}
            assert client.post(f"{path}/filters", json=body).status_code == 200
        companies = object_subscription(portal_id, objectTypeId="0-2", actions=["MERGE", "DELETE"])
        assert client.post(path, json=companies).status_code == 200
        gdpr = {"subscriptionType": "GDPR_PRIVACY_DELETION", "portalId": portal_id, "objectTypeId": "0-1"}
        assert client.post(path, json={**gdpr, "actions": ["GDPR_DELETE"]}).status_code == 200
        names = {name: _contact(crm, firstname=name, lastname="X") for name in ("Ada", "Bob", "Cy")}
        one, two = (crm.post("/crm/v3/objects/companies", json={"properties": {"name": n}}).json()["id"] for n in "AB")
        merged = crm.post("/crm/v3/objects/companies/merge", json={"primaryObjectId": one, "objectIdToMerge": two})
        assert merged.status_code == 200, merged.text
        gone = crm.post("/crm/v3/objects/contacts/gdpr-delete", json={"objectId": names["Cy"]})
        assert gone.status_code == 204, gone.text
        journaled = events(client, "journal")
    assert [(e["action"], e["objectId"]) for e in journaled] == [
        ("CREATE", int(names["Ada"])),
        ("CREATE", int(names["Bob"])),
        ("MERGE", int(one)),
        ("GDPR_DELETE", int(names["Cy"])),
    ]
    assert journaled[0]["propertyChanges"] == {"firstname": "Ada"}  # the subscribed properties only
    assert (journaled[2]["mergedObjectIds"], journaled[2]["objectTypeId"]) == ([int(two)], "0-2")
