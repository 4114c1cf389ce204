"""The seed's check of the sample lists: one count of who cannot be reached (R-S5), the same on
the samples page and in the quality report."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from portal.lib.oslo import oslo_today
from registry_import import register_checks
from registry_import.selectors import reference_date_of
from surveys.selectors import county_samples
from surveys.services.samples import samples_build
from tests import register_rows as rows

pytestmark = pytest.mark.django_db

REF = reference_date_of(oslo_today().year)
LONG_AGO = REF.replace(year=REF.year - 2)
LATER = REF.replace(year=REF.year + 1)


@pytest.fixture
def client_a(client, county_a_admin):
    client.force_login(county_a_admin)
    return client


def running(person, company):
    return rows.contract(person, company, start=LONG_AGO, end=LATER)


@pytest.fixture
def sample(counties, county_a):
    """Five apprentices in the LU sample: two reachable by neither channel, one only by
    e-mail, one only by mobile, one by both."""
    rounds = rows.rounds(oslo_today().year)
    firm = rows.company(county_a, nlr=True)
    for n in range(2):
        running(
            rows.apprentice(
                last_name=f"Ingen{n}", email="x", email_valid=False, mobile="1", mobile_valid=False
            ),
            firm,
        )
    running(rows.apprentice(last_name="Epost", mobile="", mobile_valid=False), firm)
    running(rows.apprentice(last_name="Mobil", email="", email_valid=False), firm)
    running(rows.apprentice(last_name="Begge"), firm)
    samples_build(rounds["LU"])
    return firm


def lu_sample(county):
    return next(s for s in county_samples(county, oslo_today().year) if s.round.kind == "LU")


def test_the_samples_page_and_the_quality_report_count_the_same_unreachable(
    sample, client_a, county_a
):
    in_quality = register_checks.apprentices_unreachable(county_a, REF).count()
    assert in_quality == 2
    assert lu_sample(county_a).unreachable == in_quality
    # Those missing one channel only are listed apart, under their own words.
    assert register_checks.apprentices_without_contact(county_a, REF).count() == 4


def test_both_pages_show_the_one_count_under_the_same_words(sample, client_a, county_a):
    year = oslo_today().year
    samples = client_a.get(reverse("county_samples", args=[county_a.code, year])).text
    quality = client_a.get(reverse("county_quality", args=[county_a.code])).text
    words = "verken gyldig e-post eller gyldig mobil"
    assert words in samples
    assert words in quality
    # The LU row of the samples page and the quality report's category both say 2.
    lu_row = re.search(r"Lærlingundersøkelsen.*?</tr>", samples, re.S)
    assert lu_row is not None
    assert re.findall(r'<td class="num">(\d+)</td>', lu_row.group(0))[1] == "2"
    assert re.search(r"ikke kan nås \(verken gyldig e-post eller gyldig mobil\)\D*2\b", quality)
