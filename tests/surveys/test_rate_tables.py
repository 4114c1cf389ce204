"""Response rates (R-D5): the groups, the hiding of small LU and LBU groups so that none can be
worked out from the total, last year's figure on the same date, the pages and downloads."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.lib.oslo import oslo_today
from portal.models import AuditAction, AuditEntry
from surveys.models import Round
from surveys.rate_tables import RateRow, kind_rates, rate_rows, suppress
from tests import register_rows as rows
from tests.surveys.factories import (
    ar_questionnaire,
    lu_questionnaire,
    respondent_make,
    round_make,
)

pytestmark = pytest.mark.django_db


def row(label, sampled, answered=0):
    return RateRow(key=label, label=label, sampled=sampled, answered=answered)


# --- Hiding small groups ----------------------------------------------------------------------


def test_a_single_small_group_takes_the_next_smallest_with_it():
    groups = [row("a", 40), row("b", 3), row("c", 6), row("d", 9)]
    suppress(groups, total_shown=True, threshold=5)
    assert [g.label for g in groups if g.hidden] == ["b", "c"]
    assert all(g.rate is None for g in groups if g.hidden)


def test_hidden_groups_together_hold_at_least_the_threshold():
    groups = [row("a", 40), row("b", 1), row("c", 1), row("d", 5), row("e", 8)]
    suppress(groups, total_shown=True, threshold=5)
    hidden = [g for g in groups if g.hidden]
    assert [g.label for g in hidden] == ["b", "c", "d"]
    assert sum(g.sampled for g in hidden) >= 5


def test_nothing_is_hidden_when_every_group_is_large_enough():
    groups = [row("a", 5), row("b", 12)]
    suppress(groups, total_shown=True, threshold=5)
    assert not any(g.hidden for g in groups)


def test_everything_is_hidden_under_a_hidden_total():
    groups = [row("a", 2), row("b", 2)]
    suppress(groups, total_shown=False, threshold=5)
    assert all(g.hidden for g in groups)


# --- Counts for a county and an office ----------------------------------------------------------


@pytest.fixture
def lu_round(counties):
    return round_make(lu_questionnaire())


@pytest.fixture
def lu_sample(lu_round, county_a, county_b, office_a, office_b):
    """Vestland's LU: 10 apprentices in office A (6 answered), 3 in office B's companies (all
    answered), 7 in independent companies (1 answered); 4 in Oslo."""
    answered = timezone.now() - timedelta(days=2)
    company = rows.company(county_a, office=office_a)
    for n in range(10):
        respondent_make(
            lu_round,
            county_a,
            training_office=office_a,
            company=company,
            answered_at=answered if n < 6 else None,
        )
    for _ in range(3):
        respondent_make(lu_round, county_a, training_office=office_b, answered_at=answered)
    for n in range(7):
        respondent_make(lu_round, county_a, answered_at=answered if n < 1 else None)
    for _ in range(4):
        respondent_make(lu_round, county_b, training_office=office_b, answered_at=answered)
    return lu_round


def test_the_county_sees_its_offices_with_the_small_ones_hidden(lu_sample, county_a, office_a):
    by_office = {r.label: r for r in rate_rows(lu_sample, by="office", county=county_a)}
    shown = by_office[office_a.name]
    assert (shown.sampled, shown.answered, round(shown.rate)) == (10, 6, 60)
    # Office B's 3 are under the threshold; the independent companies' 7 are hidden with
    # them, or B's could be worked out from the county's total.
    assert by_office["Opplæringskontoret Øst"].hidden
    assert by_office["Selvstendige lærebedrifter (uten opplæringskontor)"].hidden


def test_ar_is_shown_in_full(counties, county_a, office_a):
    ar = round_make(ar_questionnaire())
    respondent_make(
        ar, county_a, role="office", training_office=office_a, answered_at=timezone.now()
    )
    (office_row,) = rate_rows(ar, by="office", county=county_a)
    assert (office_row.hidden, office_row.sampled, office_row.answered) == (False, 1, 1)


def test_last_years_figure_is_read_on_the_same_date(lu_sample, county_a):
    this_year = lu_sample
    last = Round.objects.create(
        year=this_year.year - 1,
        kind=this_year.kind,
        questionnaire=this_year.questionnaire,
        qa_starts_on=this_year.qa_starts_on.replace(year=this_year.year - 1),
        correction_deadline=this_year.correction_deadline - timedelta(days=365),
        reference_date=this_year.reference_date.replace(year=this_year.year - 1),
        opens_at=this_year.opens_at - timedelta(days=365),
        closes_at=this_year.closes_at - timedelta(days=365),
    )
    today = oslo_today()
    a_year_ago = timezone.now() - timedelta(days=365)
    for n in range(10):
        answered = None
        if n < 4:
            answered = a_year_ago - timedelta(days=3)  # before the same date
        elif n < 7:
            answered = a_year_ago + timedelta(days=3)  # after it
        respondent_make(last, county_a, answered_at=answered)
    rates = kind_rates(this_year, county=county_a, today=today)
    assert (rates.totals.sampled, rates.totals.answered) == (20, 10)
    assert (rates.last_totals.sampled, rates.last_totals.answered) == (10, 4)
    assert round(rates.last_totals.rate) == 40
    assert rates.this_curve.points[-1][1] == pytest.approx(50)
    assert rates.last_curve.points  # the whole of last year's season, for the chart


# --- The pages --------------------------------------------------------------------------------


def page_url(county):
    return reverse("county_response_rates", args=[county.code])


def test_the_county_page(
    client, county_a_admin, county_a, lu_sample, django_assert_max_num_queries
):
    client.force_login(county_a_admin)
    with django_assert_max_num_queries(20):
        body = client.get(page_url(county_a), {"etter": "kontor"}).content.decode()
    assert "Svarprosent" in body and "Opplæringskontoret Vest" in body
    assert '<td class="num">10</td><td class="num">6</td><td class="num">60 %</td>' in body
    assert "<abbr" in body  # the hidden groups
    assert "<svg" in body and 'role="img"' in body and "hadde 50 % svart" in body
    assert 'hx-trigger="every 60s"' in body


def test_the_page_sorts_without_javascript(client, county_a_admin, county_a, lu_sample):
    client.force_login(county_a_admin)
    body = client.get(
        page_url(county_a), {"etter": "kontor", "sorter": "prosent", "rekkefolge": "synkende"}
    ).content.decode()
    assert 'aria-sort="descending"' in body
    assert body.index("Opplæringskontoret Vest") < body.index("Opplæringskontoret Øst")


def test_htmx_gets_only_the_live_part(client, county_a_admin, county_a, lu_sample):
    client.force_login(county_a_admin)
    body = client.get(page_url(county_a), HTTP_HX_REQUEST="true").content.decode()
    assert body.startswith('<div id="live-rates"')
    assert "<html" not in body


def test_the_office_sees_its_member_companies_and_trades(
    client, office_a_admin, office_a, lu_sample
):
    client.force_login(office_a_admin)
    url = reverse("office_response_rates", args=[office_a.orgnr])
    body = client.get(url, {"etter": "fag"}).content.decode()
    assert '<td class="num">10</td><td class="num">6</td>' in body
    assert "Fordelt på Lærefag" in body


@pytest.mark.parametrize(
    "persona", ["county_b_admin", "national_admin", "office_a_admin", "outsider"]
)
def test_another_organisations_rates_are_404(client, request, persona, county_a, lu_sample):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page_url(county_a)).status_code == 404
    assert client.get(f"{page_url(county_a)}csv/").status_code == 404


def test_downloads_hide_the_same_groups_and_are_logged(client, county_a_admin, county_a, lu_sample):
    client.force_login(county_a_admin)
    csv_body = client.get(f"{page_url(county_a)}csv/", {"etter": "kontor"}).content.decode(
        "utf-8-sig"
    )
    lines = csv_body.strip().splitlines()
    assert lines[0] == "Opplæringskontor;Invitert;Svart;Svarprosent (%)"
    assert "Opplæringskontoret Vest;10;6;60" in lines
    assert "Opplæringskontoret Øst;*;*;*" in lines
    xlsx = client.get(f"{page_url(county_a)}xlsx/", {"etter": "kontor"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert ["Opplæringskontoret Vest", 10, 6, 60.0] in values
    assert client.get(f"{page_url(county_a)}pdf/").status_code == 404
    downloads = AuditEntry.objects.filter(action=AuditAction.DOWNLOAD, county=county_a)
    assert [e.detail["format"] for e in downloads.order_by("pk")] == ["csv", "xlsx"]
