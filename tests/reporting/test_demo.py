"""The demo's history: published rounds from 2012 on the county structure of their time."""

import pytest

from demo.history import load_demo_history
from registry_import.models import Contract
from reporting.models import Publication, ResultUnit
from tests import register_rows as reg

pytestmark = pytest.mark.django_db


def test_the_history_lies_on_the_counties_of_its_time_and_crosses_both_revisions(
    questionnaires, county_a
):
    for number in range(4):
        office = reg.office(county_a, name=f"Kontor {number}")
        for company_number in range(6):
            company = reg.company(county_a, office=office, name=f"Firma {number}-{company_number}")
            for _ in range(5):
                reg.contract(reg.apprentice(), company)
    assert Contract.objects.filter(county=county_a).count() == 120
    made = load_demo_history(last_year=2021, first_year=2016)
    assert len(made) == 12
    years = {p.round.year for p in Publication.objects.select_related("round")}
    assert years == set(range(2016, 2022))
    counties = {
        (u.publication.round.year, u.county.code)
        for u in ResultUnit.objects.filter(unit_type="C").select_related(
            "publication__round", "county"
        )
    }
    assert {c for y, c in counties if y < 2020} == {"12", "14"}
    assert {c for y, c in counties if y >= 2020} == {"46"}
    versions = {p.round.questionnaire.version for p in Publication.objects.filter(round__kind="LU")}
    assert versions == {2012, 2018, 2020}
    assert load_demo_history(last_year=2021, first_year=2016) == []  # nothing twice
