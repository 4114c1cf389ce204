"""The pages that show what the register holds say which extract it is: "Registeret slik det
var i uttrekket importert dd.mm. kl. hh:mm", from the last import that succeeded, in Norway's
time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import translation

from portal.lib.oslo import OSLO, oslo_today
from portal.organisations.register_extract import extract_imported_at, register_as_of
from registry_import.models import ImportStatus
from tests import register_rows as rows

pytestmark = pytest.mark.django_db

IMPORTED = datetime(2026, 10, 2, 14, 30, tzinfo=OSLO)
LINE = "Registeret slik det var i uttrekket importert 02.10. kl. 14:30."


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        # Summer time: UTC+2.
        (datetime(2026, 7, 1, 10, 5, tzinfo=UTC), "importert 01.07. kl. 12:05."),
        # Winter time, past midnight in Norway but not in UTC.
        (datetime(2026, 12, 7, 23, 30, tzinfo=UTC), "importert 08.12. kl. 00:30."),
    ],
)
def test_the_time_is_said_in_norway_as_day_month_and_hour_minute(moment, words):
    with translation.override("nb"):
        text = register_as_of(moment)
    assert text == f"Registeret slik det var i uttrekket {words}"


def test_without_an_import_the_page_says_so():
    with translation.override("nb"):
        assert register_as_of(None) == "Ingen uttrekk fra registeret er importert ennå."


def test_the_last_import_that_succeeded_counts_not_a_dry_run_nor_a_failure():
    assert extract_imported_at() is None
    rows.extract_imported(datetime(2026, 9, 1, 12, tzinfo=OSLO))
    rows.extract_imported(IMPORTED, status=ImportStatus.UNCHANGED)  # it matched the register
    rows.extract_imported(datetime(2026, 10, 3, 9, tzinfo=OSLO), status=ImportStatus.FAILED)
    rows.extract_imported(datetime(2026, 10, 4, 9, tzinfo=OSLO), dry_run=True)
    rows.extract_imported(datetime(2026, 10, 5, 9, tzinfo=OSLO), status=ImportStatus.REFUSED)
    assert extract_imported_at() == IMPORTED


@pytest.fixture
def imported(counties):
    rows.rounds(oslo_today().year)
    rows.extract_imported(IMPORTED)


def test_the_quality_report_and_the_samples_page_name_the_extract(
    imported, client, county_a, county_a_admin
):
    client.force_login(county_a_admin)
    quality = client.get(reverse("county_quality", args=[county_a.code]))
    samples = client.get(reverse("county_samples", args=[county_a.code, oslo_today().year]))
    assert LINE in quality.text
    assert LINE in samples.text


def test_the_county_and_office_front_pages_name_the_extract(
    imported, client, county_a, county_a_admin, office_a, office_a_admin
):
    client.force_login(county_a_admin)
    assert LINE in client.get(reverse("county_dashboard", args=[county_a.code])).text
    client.force_login(office_a_admin)
    assert LINE in client.get(reverse("office_dashboard", args=[office_a.orgnr])).text
