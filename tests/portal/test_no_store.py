"""Nothing behind the login and no download is stored by a browser or a proxy."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_every_page_behind_the_login_is_no_store(client, county_a_admin, county_a):
    client.force_login(county_a_admin)
    for path in (
        reverse("county_dashboard", args=[county_a.code]),
        reverse("county_quality", args=[county_a.code]),
        reverse("county_samples_latest", args=[county_a.code]),
        reverse("home"),
    ):
        response = client.get(path)
        assert response.status_code in (200, 302), path
        assert no_store(response), path


def test_downloads_are_no_store(client, county_a_admin, county_a):
    client.force_login(county_a_admin)
    response = client.get(reverse("county_quality_xlsx", args=[county_a.code]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert no_store(response)
    assert "private" in response["Cache-Control"]


def test_public_pages_are_not_forced_private(client):
    assert not no_store(client.get(reverse("accessibility")))
