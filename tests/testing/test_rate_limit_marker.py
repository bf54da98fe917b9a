"""`@pytest.mark.hubspot_rate_limits(tier)`: the plugin turns on the portal's rate limits
(`PUT /_localspot/portals/{id}/rate-limits`)."""

from __future__ import annotations

pytest_plugins = ["pytester"]


def test_the_rate_limits_marker_turns_on_the_tiers_headers(pytester):
    pytester.makepyfile(
        """
        import httpx
        import pytest

        @pytest.mark.hubspot_rate_limits("professional")
        def test_limited(hubspot_portal):
            response = httpx.get(hubspot_portal.url + "/crm/v3/objects/contacts", headers=hubspot_portal.headers)
            assert response.status_code == 200
            assert response.headers["X-HubSpot-RateLimit-Max"] == "190"
            assert response.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"

        def test_not_limited(hubspot_portal):
            response = httpx.get(hubspot_portal.url + "/crm/v3/objects/contacts", headers=hubspot_portal.headers)
            assert "X-HubSpot-RateLimit-Max" not in response.headers
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=120)
    result.assert_outcomes(passed=2)


def test_the_rate_limits_marker_needs_a_tier(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.hubspot_rate_limits()
        def test_no_tier(hubspot_portal):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=120)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*hubspot_rate_limits needs a tier*"])
