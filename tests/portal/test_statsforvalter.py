"""Statsforvalters (R-A2): one per statsforvalter region with its counties, from the project's
data file; their administrators manage the county administrators of their counties, and the
Directorate manages theirs and can still step in."""

from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

import portal.organisations.data.statsforvalters as data
from portal.accounts.access import Scope
from portal.accounts.user_admin import access_grant, grantable_scopes, managed_users
from portal.lib.oslo import oslo_today
from portal.models import (
    AuditAction,
    AuditEntry,
    County,
    Membership,
    Role,
    Statsforvalter,
    User,
)
from tests.conftest import PASSWORD, give_two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def portal_address(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def vestland(counties) -> Statsforvalter:
    return Statsforvalter.objects.get(counties__code="46")


@pytest.fixture
def sf_admin(vestland) -> User:
    user = User.objects.create_user("admin@sfvl.test", PASSWORD)
    Membership.objects.create(user=user, role=Role.STATSFORVALTER, statsforvalter=vestland)
    give_two_factor(user)
    return user


def test_every_county_of_today_has_one_statsforvalter_from_the_sourced_file(counties):
    assert Statsforvalter.objects.count() == len(data.STATSFORVALTERS) == 10
    today = County.objects.existing_in(oslo_today().year)
    assert today.count() == 15
    assert not today.filter(statsforvalter__isnull=True).exists()
    assert not County.objects.exclude(pk__in=today).filter(statsforvalter__isnull=False).exists()
    header = Path(data.__file__).read_text(encoding="utf-8").split('"""')[1]
    assert "https://www.statsforvalteren.no/" in header


def test_a_statsforvalter_manages_only_its_counties_administrators(
    vestland, county_a, county_b, county_a_admin, county_b_admin, office_a_admin
):
    scope = Scope(role=Role.STATSFORVALTER, statsforvalter=vestland)
    assert set(managed_users(scope)) == {county_a_admin}
    assert {s.key for s in grantable_scopes(scope)} == {"fylke-46"}
    with pytest.raises(PermissionDenied):
        access_grant(
            email="ny@oslo.test", target=Scope(role=Role.COUNTY, county=county_b), by=scope
        )
    assert not User.objects.filter(email="ny@oslo.test").exists()


def test_a_statsforvalter_grants_and_revokes_a_county_administrator_on_its_page(
    client, vestland, county_a, sf_admin, django_capture_on_commit_callbacks
):
    client.force_login(sf_admin)
    url = reverse("statsforvalter_users", args=[vestland.code])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"email": "ny@vestland.test", "organisation": "fylke-46", "access": "administrator"},
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="ny@vestland.test")
    assert (membership.role, membership.county) == (Role.COUNTY, county_a)
    assert [m.to for m in mail.outbox] == [["ny@vestland.test"]]
    assert AuditEntry.objects.filter(action=AuditAction.MEMBERSHIP_ADDED, user=sf_admin).exists()
    user_url = reverse("statsforvalter_user", args=[vestland.code, membership.user_id])
    client.post(user_url, {"action": "revoke", "membership": membership.pk})
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_statsforvalter_cannot_give_access_to_another_regions_county(
    client, vestland, county_b, sf_admin
):
    client.force_login(sf_admin)
    response = client.post(
        reverse("statsforvalter_users", args=[vestland.code]),
        {"email": "ny@oslo.test", "organisation": "fylke-03", "access": "administrator"},
    )
    assert response.status_code == 200  # the form says the choice is not one of those offered
    assert not Membership.objects.filter(user__email="ny@oslo.test").exists()


def test_a_statsforvalter_sees_user_administration_only(client, vestland, county_a, sf_admin):
    client.force_login(sf_admin)
    assert client.get(reverse("county_dashboard", args=[county_a.code])).status_code == 404
    assert client.get(reverse("county_results", args=[county_a.code])).status_code == 404
    assert client.get(reverse("county_samples_latest", args=[county_a.code])).status_code == 404
    home = client.get("/")
    assert home["Location"] == reverse("statsforvalter_users", args=[vestland.code])
    html = client.get(home["Location"]).content.decode()
    assert f'href="{reverse("statsforvalter_users", args=[vestland.code])}"' in html
    assert f'href="{reverse("county_results", args=[county_a.code])}"' not in html


def test_another_statsforvalter_gets_404(client, vestland, county_a_admin):
    other = User.objects.create_user("admin@sfoslo.test", PASSWORD)
    Membership.objects.create(
        user=other,
        role=Role.STATSFORVALTER,
        statsforvalter=Statsforvalter.objects.get(counties__code="03"),
    )
    give_two_factor(other)
    client.force_login(other)
    assert client.get(reverse("statsforvalter_users", args=[vestland.code])).status_code == 404
    url = reverse("statsforvalter_user", args=[vestland.code, county_a_admin.pk])
    assert client.get(url).status_code == 404


def test_the_directorate_grants_statsforvalter_administrators_and_can_still_step_in(
    client, national_admin, vestland, county_a, django_capture_on_commit_callbacks
):
    client.force_login(national_admin)
    url = reverse("national_users")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "email": "ny@sfvl.test",
                "organisation": f"statsforvalter-{vestland.code}",
                "access": "administrator",
            },
        )
        client.post(
            url, {"email": "ny@vestland.test", "organisation": "fylke-46", "access": "reader"}
        )
    sf = Membership.objects.get(user__email="ny@sfvl.test")
    assert (sf.role, sf.statsforvalter) == (Role.STATSFORVALTER, vestland)
    county = Membership.objects.get(user__email="ny@vestland.test")
    assert (county.county, county.access) == (county_a, "reader")
    assert set(managed_users(Scope(role=Role.NATIONAL))) >= {sf.user, county.user}
    assert sorted(m.to[0] for m in mail.outbox) == ["ny@sfvl.test", "ny@vestland.test"]
