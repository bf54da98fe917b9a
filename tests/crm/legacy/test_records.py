"""Deals v1, companies v2 and contacts v1: pages behind an offset, recently modified records, single
records, each value with its timestamp, source and versions."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from tests.support.asserts import assert_error


def ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def value(text: str, stamp: int, name: str) -> dict:
    version = {"name": name, "value": text, "timestamp": stamp, "source": "API", "sourceVid": []}
    return {"value": text, "timestamp": stamp, "source": "API", "sourceId": None, "versions": [version]}


def test_deals_paged_with_named_properties_and_associations(seeded):
    deal, created = seeded.deal, ms(seeded.deal["createdAt"])
    response = seeded.client.get(
        "/deals/v1/deal/paged", params={"properties": ["dealname", "closedate"], "includeAssociations": "true"}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "deals": [
            {
                "portalId": seeded.portal_id,
                "dealId": int(deal["id"]),
                "isDeleted": False,
                "associations": {
                    "associatedVids": [int(seeded.contact["id"])],
                    "associatedCompanyIds": [int(seeded.company["id"])],
                    "associatedDealIds": [],
                    "associatedTicketIds": [],
                },
                # A datetime is epoch milliseconds, as the legacy APIs send it.
                "properties": {
                    "dealname": value("Big deal", created, "dealname"),
                    "closedate": value(str(ms("2025-01-10T15:00:00.000Z")), created, "closedate"),
                },
                "imports": [],
                "stateChanges": [],
            }
        ],
        "hasMore": False,
        "offset": int(deal["id"]),
    }


def test_deals_paged_without_properties_and_with_every_one(seeded):
    bare = seeded.client.get("/deals/v1/deal/paged").json()["deals"][0]
    assert bare["properties"] == {} and "associations" not in bare
    full = seeded.client.get("/deals/v1/deal/paged", params={"includeAllProperties": "true"}).json()["deals"][0]
    assert {"dealname", "dealstage", "pipeline", "amount", "hs_lastmodifieddate", "createdate"} <= set(
        full["properties"]
    )
    assert full["properties"]["amount"]["value"] == "100"


def test_deals_page_by_offset(new_portal):
    _, client = new_portal()
    ids = []
    for i in range(5):
        body = {"properties": {"dealname": f"d{i}", "dealstage": "appointmentscheduled", "pipeline": "default"}}
        ids.append(int(client.post("/crm/v3/objects/deals", json=body).json()["id"]))
    seen, offset = [], None
    while True:
        params = {"limit": 2, **({"offset": offset} if offset is not None else {})}
        page = client.get("/deals/v1/deal/paged", params=params).json()
        seen.extend(d["dealId"] for d in page["deals"])
        assert page["offset"] == page["deals"][-1]["dealId"]
        if not page["hasMore"]:
            break
        offset = page["offset"]
    assert seen == ids


def test_a_property_with_history_lists_every_version_newest_first(seeded):
    deal_id = seeded.deal["id"]
    updated = seeded.client.patch(f"/crm/v3/objects/deals/{deal_id}", json={"properties": {"dealname": "Bigger"}})
    assert updated.status_code == 200, updated.text
    page = seeded.client.get("/deals/v1/deal/paged", params={"propertiesWithHistory": "dealname"}).json()
    dealname = page["deals"][0]["properties"]["dealname"]
    assert dealname["value"] == "Bigger" and dealname["timestamp"] == ms(updated.json()["updatedAt"])
    assert [v["value"] for v in dealname["versions"]] == ["Bigger", "Big deal"]
    # The modified date comes with the last write's time: integrations bookmark on its timestamp.
    modified = seeded.client.get(f"/deals/v1/deal/{deal_id}").json()["properties"]["hs_lastmodifieddate"]
    stamp = ms(updated.json()["updatedAt"])
    assert modified["value"] == modified["versions"][0]["value"] == str(stamp)
    assert ms(seeded.deal["updatedAt"]) <= modified["timestamp"] <= stamp


def test_a_single_deal_and_a_missing_one(seeded):
    response = seeded.client.get(f"/deals/v1/deal/{seeded.deal['id']}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["dealId"] == int(seeded.deal["id"]) and body["properties"]["dealname"]["value"] == "Big deal"
    assert body["associations"]["associatedCompanyIds"] == [int(seeded.company["id"])]
    assert_error(
        seeded.client.get("/deals/v1/deal/999999999"), 404, "OBJECT_NOT_FOUND", "Deal 999999999 does not exist"
    )
    assert_error(seeded.client.get("/deals/v1/deal/abc"), 404, "OBJECT_NOT_FOUND", "Deal abc does not exist")


def test_recently_modified_deals_newest_first_since_a_time(seeded):
    client = seeded.client
    newer = client.post(
        "/crm/v3/objects/deals",
        json={"properties": {"dealname": "Newer", "dealstage": "appointmentscheduled", "pipeline": "default"}},
    ).json()
    body = client.get("/deals/v1/deal/recent/modified").json()
    assert [d["dealId"] for d in body["results"]] == [int(newer["id"]), int(seeded.deal["id"])]
    assert (body["hasMore"], body["offset"], body["total"]) == (False, 2, 2)
    first = client.get("/deals/v1/deal/recent/modified", params={"count": 1}).json()
    assert (len(first["results"]), first["hasMore"], first["offset"]) == (1, True, 1)
    second = client.get("/deals/v1/deal/recent/modified", params={"count": 1, "offset": 1}).json()
    assert [d["dealId"] for d in second["results"]] == [int(seeded.deal["id"])] and second["hasMore"] is False
    since = client.get("/deals/v1/deal/recent/modified", params={"since": ms(newer["updatedAt"])}).json()
    assert [d["dealId"] for d in since["results"]] == [int(newer["id"])]


def test_companies_paged_recent_and_single(seeded):
    company, created = seeded.company, ms(seeded.company["createdAt"])
    client = seeded.client
    paged = client.get("/companies/v2/companies/paged", params={"properties": ["name", "domain"]})
    assert paged.status_code == 200, paged.text
    assert paged.json() == {
        "companies": [
            {
                "portalId": seeded.portal_id,
                "companyId": int(company["id"]),
                "isDeleted": False,
                "properties": {
                    "name": value("Acme", created, "name"),
                    "domain": value("acme.example", created, "domain"),
                },
                "additionalDomains": [],
                "stateChanges": [],
                "mergeAudits": [],
            }
        ],
        "has-more": False,
        "offset": int(company["id"]),
    }
    recent = client.get("/companies/v2/companies/recent/modified").json()
    assert [c["companyId"] for c in recent["results"]] == [int(company["id"])]
    assert (recent["hasMore"], recent["offset"], recent["total"]) == (False, 1, 1)
    assert recent["results"][0]["properties"]["hs_lastmodifieddate"]["value"] == str(ms(company["updatedAt"]))
    single = client.get(f"/companies/v2/companies/{company['id']}")
    assert single.status_code == 200 and single.json() == recent["results"][0]
    assert_error(client.get("/companies/v2/companies/999999999"), 404, "OBJECT_NOT_FOUND")


def test_all_contacts_with_default_and_named_properties(seeded):
    contact, created = seeded.contact, ms(seeded.contact["createdAt"])
    response = seeded.client.get("/contacts/v1/lists/all/contacts/all")
    assert response.status_code == 200, response.text
    vid = int(contact["id"])
    assert response.json() == {
        "contacts": [
            {
                "addedAt": created,
                "vid": vid,
                "canonical-vid": vid,
                "merged-vids": [],
                "portal-id": seeded.portal_id,
                "is-contact": True,
                "properties": {
                    "firstname": {"value": "Ann"},
                    "lastname": {"value": "Lee"},
                    "lastmodifieddate": {"value": str(ms(contact["updatedAt"]))},
                },
                "form-submissions": [],
                "identity-profiles": [
                    {
                        "vid": vid,
                        "saved-at-timestamp": created,
                        "deleted-changed-timestamp": 0,
                        "identities": [
                            {"type": "EMAIL", "value": "ann@acme.example", "timestamp": created, "is-primary": True},
                            {"type": "LEAD_GUID", "value": f"localspot-{vid}", "timestamp": created},
                        ],
                    }
                ],
                "merge-audits": [],
            }
        ],
        "has-more": False,
        "vid-offset": vid,
    }
    named = seeded.client.get(
        "/contacts/v1/lists/all/contacts/all", params={"property": "email", "propertyMode": "value_and_history"}
    ).json()
    assert named["contacts"][0]["properties"] == {
        "email": {
            "value": "ann@acme.example",
            "versions": [
                {
                    "value": "ann@acme.example",
                    "source-type": "API",
                    "source-id": None,
                    "source-label": None,
                    "timestamp": created,
                    "selected": False,
                }
            ],
        }
    }


def test_contacts_page_by_vid_offset_and_recently_updated_by_time_offset(new_portal):
    _, client = new_portal()
    vids = []
    for i in range(3):
        created = client.post("/crm/v3/objects/contacts", json={"properties": {"email": f"c{i}@example.com"}})
        vids.append(int(created.json()["id"]))
    first = client.get("/contacts/v1/lists/all/contacts/all", params={"count": 2}).json()
    assert [c["vid"] for c in first["contacts"]] == vids[:2] and first["has-more"] is True
    rest = client.get("/contacts/v1/lists/all/contacts/all", params={"count": 2, "vidOffset": first["vid-offset"]})
    assert [c["vid"] for c in rest.json()["contacts"]] == vids[2:] and rest.json()["has-more"] is False
    recent, params, seen = "/contacts/v1/lists/recently_updated/contacts/recent", {"count": 2}, []
    while True:
        page = client.get(recent, params=params).json()
        seen.extend(c["vid"] for c in page["contacts"])
        if not page["has-more"]:
            break
        params = {"count": 2, "timeOffset": page["time-offset"], "vidOffset": page["vid-offset"]}
    assert seen == vids[::-1]


def test_a_contact_profile_and_a_missing_one(seeded):
    vid = seeded.contact["id"]
    body = seeded.client.get(f"/contacts/v1/contact/vid/{vid}/profile").json()
    assert body["vid"] == int(vid) and body["properties"]["email"] == {"value": "ann@acme.example"}
    assert_error(
        seeded.client.get("/contacts/v1/contact/vid/999999999/profile"),
        404,
        "OBJECT_NOT_FOUND",
        "contact does not exist",
    )


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("/deals/v1/deal/paged", {"limit": "x"}, "Query parameter limit must be an integer, got 'x'."),
        ("/deals/v1/deal/paged", {"limit": "0"}, "Query parameter limit must be between 1 and 1000000000."),
        (
            "/deals/v1/deal/recent/modified",
            {"since": "yesterday"},
            "Query parameter since must be an integer, got 'yesterday'.",
        ),
        (
            "/contacts/v1/lists/all/contacts/all",
            {"propertyMode": "all"},
            "propertyMode must be value_only or value_and_history, got 'all'.",
        ),
    ],
)
def test_bad_parameters_are_a_400(api, path, params, message):
    assert_error(api.get(path, params=params), 400, "VALIDATION_ERROR", message)


def test_large_page_sizes_are_cut_to_the_largest(seeded):
    response = seeded.client.get("/deals/v1/deal/paged", params={"limit": 5000})
    assert response.status_code == 200 and len(response.json()["deals"]) == 1


def test_legacy_records_take_the_modern_scopes(base_url, token_for):
    def client(scopes: str) -> httpx.Client:
        return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token_for(scopes)}"})

    with client("crm.objects.deals.read") as deals:
        assert deals.get("/deals/v1/deal/paged").status_code == 200
        assert_error(deals.get("/companies/v2/companies/paged"), 403, "MISSING_SCOPES")
        assert_error(deals.get("/contacts/v1/lists/all/contacts/all"), 403, "MISSING_SCOPES")
    with client("crm.objects.contacts.read") as contacts:
        assert contacts.get("/contacts/v1/lists/all/contacts/all").status_code == 200
        assert_error(contacts.get("/deals/v1/deal/paged"), 403, "MISSING_SCOPES")
    with httpx.Client(base_url=base_url) as anonymous:
        assert_error(anonymous.get("/deals/v1/deal/paged"), 401, "INVALID_AUTHENTICATION")


def test_include_property_versions_gives_every_version_of_every_value(seeded):
    deal_id = seeded.deal["id"]
    seeded.client.patch(f"/crm/v3/objects/deals/{deal_id}", json={"properties": {"amount": "200"}})
    plain = seeded.client.get(f"/deals/v1/deal/{deal_id}").json()["properties"]["amount"]
    assert [v["value"] for v in plain["versions"]] == ["200"]
    every = seeded.client.get(f"/deals/v1/deal/{deal_id}", params={"includePropertyVersions": "true"}).json()
    assert [v["value"] for v in every["properties"]["amount"]["versions"]] == ["200", "100"]
