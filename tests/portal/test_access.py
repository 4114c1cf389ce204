"""Who sees what: every persona against every organisation page, as a table."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PERSONAS = ["national_admin", "county_a_admin", "county_b_admin", "office_a_admin", "outsider"]


def page(name, request):
    if name == "national":
        return reverse("national_dashboard")
    if name == "county_a":
        return reverse("county_dashboard", args=[request.getfixturevalue("county_a").code])
    if name == "county_b":
        return reverse("county_dashboard", args=[request.getfixturevalue("county_b").code])
    if name == "office_a":
        return reverse("office_dashboard", args=[request.getfixturevalue("office_a").orgnr])
    if name == "office_b":
        return reverse("office_dashboard", args=[request.getfixturevalue("office_b").orgnr])
    raise AssertionError(name)


ALLOWED = {
    "national_admin": {"national"},
    "county_a_admin": {"county_a"},
    "county_b_admin": {"county_b"},
    "office_a_admin": {"office_a"},
    "outsider": set(),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("target", ["national", "county_a", "county_b", "office_a", "office_b"])
def test_each_persona_sees_only_its_own_organisations(client, request, persona, target):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(page(target, request))
    assert response.status_code == (200 if target in ALLOWED[persona] else 404)


@pytest.mark.parametrize("target", ["national", "county_a", "office_a"])
def test_anonymous_visitors_are_sent_to_login(client, request, target):
    url = page(target, request)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_unknown_county_is_404_not_an_error(client, county_a_admin):
    client.force_login(county_a_admin)
    assert client.get(reverse("county_dashboard", args=["99"])).status_code == 404


def test_county_page_shows_own_offices_only(client, county_a_admin, office_a, office_b):
    client.force_login(county_a_admin)
    url = reverse("county_dashboard", args=[office_a.county.code])
    body = client.get(url).content.decode()
    assert office_a.name in body
    assert office_b.name not in body


def test_a_user_with_one_organisation_lands_on_it(client, county_a_admin, county_a):
    client.force_login(county_a_admin)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("county_dashboard", args=[county_a.code])


def test_outsider_is_told_to_ask_for_access(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Brukeren din har ikke tilgang" in response.content.decode()


class TestMergedCountyAdmin:
    """R-A5: access to the new county and each old one, switched with a drop-down."""

    @pytest.fixture
    def merged_admin(self, county_a_admin):
        from portal.models import County, Membership, Role

        for code in ("12", "14"):
            Membership.objects.create(
                user=county_a_admin, role=Role.COUNTY, county=County.objects.get(code=code)
            )
        return county_a_admin

    def test_the_switcher_lists_every_county_held(self, client, merged_admin):
        client.force_login(merged_admin)
        body = client.get(reverse("county_dashboard", args=["46"])).content.decode()
        assert 'id="organisation-select"' in body
        for key in ("fylke-46", "fylke-12", "fylke-14"):
            assert f'value="{key}"' in body
        assert 'value="fylke-46" selected' in body

    def test_switching_goes_to_the_chosen_county_and_remembers_it(self, client, merged_admin):
        client.force_login(merged_admin)
        response = client.get(reverse("switch_organisation"), {"til": "fylke-12"})
        assert response["Location"] == reverse("county_dashboard", args=["12"])
        client.get(response["Location"])
        assert client.get(reverse("home"))["Location"] == reverse("county_dashboard", args=["12"])

    def test_switching_to_a_county_not_held_is_404(self, client, merged_admin):
        client.force_login(merged_admin)
        response = client.get(reverse("switch_organisation"), {"til": "fylke-03"})
        assert response.status_code == 404

    def test_several_organisations_without_a_choice_show_the_list(self, client, merged_admin):
        client.force_login(merged_admin)
        body = client.get(reverse("home")).content.decode()
        assert "Velg organisasjon" in body


def test_login_with_the_persona_password_works(client, county_a_admin):
    assert client.login(email=county_a_admin.email, password=PASSWORD)


def test_the_office_page_links_to_its_own_annual_report(client, office_a_admin, office_a):
    client.force_login(office_a_admin)
    body = client.get(reverse("office_dashboard", args=[office_a.orgnr])).content.decode()
    assert reverse("office_annual_report", args=[office_a.orgnr]) in body
