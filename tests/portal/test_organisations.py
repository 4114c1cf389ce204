import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from portal.models import Company, Membership, Role
from portal.organisations.validators import normalise_orgnr


def test_it_accepts_an_organisation_number_with_spaces():
    assert normalise_orgnr("974 760 673") == "974760673"


@pytest.mark.parametrize("value", ["974760674", "97476067", "9747606730", "abcdefghi", ""])
def test_it_rejects_a_bad_organisation_number_and_names_it(value):
    with pytest.raises(ValidationError) as excinfo:
        normalise_orgnr(value)
    assert excinfo.value.code == "invalid_orgnr"


@pytest.mark.django_db
def test_saving_normalises_and_validates_the_number(county_a):
    company = Company.objects.create(orgnr="974 760 673", name="Udir-testen", county=county_a)
    assert company.orgnr == "974760673"
    assert company.is_independent
    with pytest.raises(ValidationError):
        Company.objects.create(orgnr="974760674", name="Feil", county=county_a)


@pytest.mark.django_db
def test_member_company_belongs_to_its_office(company_a, office_a):
    assert not company_a.is_independent
    assert list(office_a.member_companies.all()) == [company_a]


@pytest.mark.django_db
def test_a_membership_must_match_its_role(outsider, county_a):
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=outsider, role=Role.NATIONAL, county=county_a)


@pytest.mark.django_db
def test_a_county_membership_needs_a_county(outsider):
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=outsider, role=Role.COUNTY)
