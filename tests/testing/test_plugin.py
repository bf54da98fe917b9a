"""The pytest plugin, as a user's suite meets it: small example suites run by pytest in a subprocess
(pytester), loading the plugin through its `pytest11` entry point, with both of HubSpot's Python clients."""

from __future__ import annotations

import json

import pytest

pytest_plugins = ["pytester"]

SEED = {
    "contacts": [
        {"ref": "alice", "properties": {"email": "alice@plugin.example", "firstname": "Alice"}},
        {"ref": "bob", "properties": {"email": "bob@plugin.example", "firstname": "Bob"}},
    ],
    "deals": [
        {
            "properties": {"dealname": "Big one", "pipeline": "default", "dealstage": "appointmentscheduled"},
            "associations": [{"to": "alice", "type": "deal_to_contact"}],
        }
    ],
}


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rs", *args, timeout=120)


def test_both_clients_work_against_a_fresh_portal_per_test(pytester):
    pytester.makepyfile(
        """
        from hubspot.crm.contacts import SimplePublicObjectInputForCreate

        def test_the_official_client(hubspot_client, hubspot_portal):
            created = hubspot_client.crm.contacts.basic_api.create(
                SimplePublicObjectInputForCreate(properties={"email": "ada@client.example"})
            )
            page = hubspot_client.crm.contacts.basic_api.get_page()
            assert [c.id for c in page.results] == [created.id]
            assert hubspot_portal.portal_id > 1

        def test_the_sdk(hubspot_sdk):
            created = hubspot_sdk.crm.objects.contacts.create(properties={"email": "ada@sdk.example"}, associations=[])
            page = hubspot_sdk.crm.objects.contacts.list()
            assert [c.id for c in page.results] == [created.id]

        def test_the_portal_handle(hubspot_portal, localspot_server):
            assert hubspot_portal.url == localspot_server.url
            assert hubspot_portal.token and hubspot_portal.token != localspot_server.token
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=3)


def test_each_test_gets_a_portal_of_its_own_deleted_afterwards(pytester):
    pytester.makepyfile(
        """
        import httpx

        seen = []

        def contacts(portal):
            return httpx.get(portal.url + "/crm/v3/objects/contacts", headers=portal.headers).json()["results"]

        def test_first_writes(hubspot_portal):
            seen.append(hubspot_portal)
            response = httpx.post(
                hubspot_portal.url + "/crm/v3/objects/contacts",
                headers=hubspot_portal.headers,
                json={"properties": {"email": "first@isolation.example"}},
            )
            assert response.status_code == 201
            assert len(contacts(hubspot_portal)) == 1

        def test_second_sees_nothing_of_it(hubspot_portal, localspot_admin):
            assert contacts(hubspot_portal) == []
            first = seen[0]
            assert first.token != hubspot_portal.token
            gone = httpx.get(first.url + "/crm/v3/objects/contacts", headers=first.headers)
            assert gone.status_code == 401
            ids = [p["portalId"] for p in localspot_admin.portals()]
            assert ids == [1, hubspot_portal.portal_id]
        """
    )
    run(pytester).assert_outcomes(passed=2)


def test_the_seed_marker_loads_files_next_to_the_test_and_the_portal_seeds_snapshots_and_restores(pytester):
    pytester.mkdir("data")
    (pytester.path / "data" / "people.json").write_text(json.dumps(SEED))
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.hubspot_seed("data/people.json")
        def test_seeded(hubspot_client):
            page = hubspot_client.crm.contacts.basic_api.get_page(properties=["firstname"])
            assert sorted(c.properties["firstname"] for c in page.results) == ["Alice", "Bob"]
            deals = hubspot_client.crm.deals.basic_api.get_page(associations=["contacts"])
            [deal] = deals.results
            assert len(deal.associations["contacts"].results) == 1

        def test_not_seeded(hubspot_client):
            assert hubspot_client.crm.contacts.basic_api.get_page().results == []

        def test_seed_snapshot_restore_reset(hubspot_portal, hubspot_sdk):
            refs = hubspot_portal.seed({"contacts": [{"ref": "c", "properties": {"email": "c@kit.example"}}]})["refs"]
            hubspot_portal.snapshot("start")
            hubspot_sdk.crm.objects.contacts.create(properties={"email": "d@kit.example"}, associations=[])
            assert len(hubspot_sdk.crm.objects.contacts.list().results) == 2
            hubspot_portal.restore("start")
            assert [c.id for c in hubspot_sdk.crm.objects.contacts.list().results] == [refs["c"]]
            hubspot_portal.reset()
            assert hubspot_sdk.crm.objects.contacts.list().results == []
            hubspot_portal.seed("data/people.json")
            assert len(hubspot_sdk.crm.objects.contacts.list().results) == 2
        """
    )
    run(pytester).assert_outcomes(passed=3)


def test_the_markers_are_registered_and_a_missing_seed_file_is_a_clear_error(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.hubspot_seed("nowhere.json")
        def test_missing(hubspot_portal):
            pass
        """
    )
    result = run(pytester, "--strict-markers")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*hubspot_seed: no seed file at *nowhere.json*"])
    markers = run(pytester, "--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.hubspot_seed(*files)*", "@pytest.mark.hubspot_rate_limits(tier)*"])


def test_the_client_fixtures_skip_with_a_clear_message_when_their_package_is_missing(pytester):
    pytester.makeconftest(
        """
        import sys

        sys.modules["hubspot"] = None  # as if hubspot-api-client were not installed
        sys.modules["hubspot_sdk"] = None
        """
    )
    pytester.makepyfile(
        """
        def test_client(hubspot_client):
            pass

        def test_sdk(hubspot_sdk):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(
        [
            "*hubspot_client needs HubSpot's Python client: pip install hubspot-api-client*",
            "*hubspot_sdk needs HubSpot's SDK: pip install hubspot-sdk*",
        ]
    )


EXTERNAL_SUITE = """
    import os

    def test_uses_the_external_server(localspot_server, hubspot_client):
        assert localspot_server.url == os.environ["EXPECTED_URL"]
        assert hubspot_client.crm.contacts.basic_api.get_page().results == []
"""


def test_an_external_server_by_option(pytester, server, monkeypatch):
    monkeypatch.setenv("EXPECTED_URL", server.url)
    pytester.makepyfile(EXTERNAL_SUITE)
    run(pytester, f"--localspot-url={server.url}").assert_outcomes(passed=1)


def test_an_external_server_by_environment_with_its_admin_token(pytester, fresh_server, monkeypatch):
    guarded = fresh_server("--admin-token", "plugin-admin")
    monkeypatch.setenv("EXPECTED_URL", guarded.url)
    monkeypatch.setenv("LOCALSPOT_URL", guarded.url)
    pytester.makepyfile(EXTERNAL_SUITE)
    run(pytester).assert_outcomes(errors=1)  # no admin token: the portal cannot be made
    monkeypatch.setenv("LOCALSPOT_ADMIN_TOKEN", "plugin-admin")
    run(pytester).assert_outcomes(passed=1)


def test_each_xdist_worker_has_a_server_of_its_own(pytester):
    pytester.makepyfile(
        """
        import os
        import pytest

        @pytest.mark.parametrize("n", range(4))
        def test_worker(localspot_server, hubspot_portal, n, tmp_path_factory):
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            out = tmp_path_factory.getbasetemp().parent.parent / f"url-{worker}-{n}"
            out.write_text(localspot_server.url)
        """
    )
    run(pytester, "-n", "2").assert_outcomes(passed=4)
    urls = {path.name.split("-")[1]: path.read_text() for path in pytester.path.parent.rglob("url-gw*")}
    assert len(urls) == 2 and len(set(urls.values())) == 2, urls
