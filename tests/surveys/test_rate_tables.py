"""Response rates (R-D5): the groups by report class, small LU and LBU answered counts as a band
and hidden so that none can be worked out from the total, last year's figure on the same date,
the pages and downloads."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.lib.oslo import oslo_today
from portal.models import AuditAction, AuditEntry
from surveys import rate_disclosure
from surveys.models import AnonymousResponse, ReportClass, Respondent, Round
from surveys.rate_tables import kind_rates, rate_rows
from tests import register_rows as rows
from tests.surveys.factories import (
    ar_questionnaire,
    lu_questionnaire,
    respondent_make,
    round_make,
)

pytestmark = pytest.mark.django_db

WHY = (
    "Færre enn 5 har svart, eller skjult så en gruppe med færre ikke kan regnes ut fra de andre "
    "tallene."
)


# --- Counts for a county and an office ----------------------------------------------------------


def classed(round_, county, n, answered, *, when, **dims):
    """n respondents in one report class that keeps `dims`, the first `answered` answered."""
    report_class = ReportClass.objects.create(
        round=round_,
        county=county,
        training_office=dims.get("training_office"),
        company=dims.get("company"),
    )
    for i in range(n):
        respondent_make(
            round_,
            county,
            report_class=report_class,
            answered_at=when if i < answered else None,
            **dims,
        )
    # Each answer is also stored with the class, as submitting does.
    AnonymousResponse.objects.bulk_create(
        AnonymousResponse(round=round_, county=county, answers={}, **dims) for _ in range(answered)
    )


@pytest.fixture
def lu_round(counties):
    return round_make(lu_questionnaire())


@pytest.fixture
def lu_sample(lu_round, county_a, county_b, office_a, office_b):
    """Vestland's LU, by report class: 10 apprentices in office A's company (6 answered), 5 in
    office B's (2 answered), 12 in classes that kept only the county (6 answered); Oslo 6
    (4 answered)."""
    answered = timezone.now() - timedelta(days=2)
    company = rows.company(county_a, office=office_a)
    classed(lu_round, county_a, 10, 6, when=answered, training_office=office_a, company=company)
    classed(lu_round, county_a, 5, 2, when=answered, training_office=office_b)
    classed(lu_round, county_a, 12, 6, when=answered)
    classed(lu_round, county_b, 6, 4, when=answered)
    return lu_round


def test_the_county_sees_its_offices_with_the_small_ones_hidden(lu_sample, county_a, office_a):
    by_office = {r.label: r for r in rate_rows(lu_sample, by="office", county=county_a)}
    shown = by_office[office_a.name]
    assert (shown.sampled, shown.answered, round(shown.rate)) == (10, 6, 60)
    # Office B's 2 answers are under the threshold: hidden, its invited shown.
    small = by_office["Opplæringskontoret Øst"]
    assert (small.sampled, small.answered, small.rate) == (5, None, None)
    assert small.why.startswith("Færre enn 5 har svart, eller skjult")
    # The classes that kept only the county: one row, never its count (the total minus the
    # shown rows would otherwise give office B's).
    rest = by_office["Selvstendige lærebedrifter, og grupper for små til å holdes adskilt"]
    assert (rest.sampled, rest.answered) == (12, None)
    assert rest.why.startswith("Grupper for små til å holdes adskilt")
    totals = kind_rates(lu_sample, county=county_a, today=oslo_today(), compare=False).totals
    assert (totals.sampled, totals.answered) == (27, 14)


def test_a_county_total_under_the_threshold_is_hidden(lu_sample, county_b):
    answered = timezone.now()
    Respondent.objects.filter(round=lu_sample, county=county_b).update(answered_at=None)
    Respondent.objects.filter(
        pk__in=Respondent.objects.filter(county=county_b).values("pk")[:3]
    ).update(answered_at=answered)
    totals = kind_rates(lu_sample, county=county_b, today=oslo_today(), compare=False).totals
    assert (totals.sampled, totals.answered, totals.rate) == (6, None, None)


def test_without_the_report_portal_no_group_count_is_shown(lu_sample, county_a, monkeypatch):
    monkeypatch.setattr(rate_disclosure, "_disclosures", [])
    rows_ = rate_rows(lu_sample, by="office", county=county_a)
    assert sorted(r.sampled for r in rows_ if r.answered is None) == [5, 10, 12]
    totals = kind_rates(lu_sample, county=county_a, today=oslo_today(), compare=False).totals
    assert (totals.sampled, totals.answered) == (27, 14)


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
    assert (rates.totals.sampled, rates.totals.answered) == (27, 14)
    assert (rates.last_totals.sampled, rates.last_totals.answered) == (10, 4)
    assert round(rates.last_totals.rate) == 40
    assert rates.this_curve.points[-1][1] == pytest.approx(100 * 14 / 27)
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
    # Office B's answers hidden, with why on the page.
    why = WHY
    assert f'<td class="num">5</td><td class="num"><abbr title="{why}">*</abbr></td>' in body
    assert "Hvorfor noen tall er skjult" in body
    assert "<svg" in body and 'role="img"' in body and "hadde 52 % svart" in body
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
    body = client.get(url, {"etter": "bedrift"}).content.decode()
    assert '<td class="num">10</td><td class="num">6</td>' in body
    body = client.get(url, {"etter": "fag"}).content.decode()
    assert "Fordelt på Lærefag" in body
    # No class kept the trade: one row of the rest, its count hidden.
    assert '<td class="num">10</td><td class="num"><abbr' in body


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
    assert lines[0] == "Opplæringskontor;Invitert;Svart;Svarprosent (%);Hvorfor skjult"
    assert "Opplæringskontoret Vest;10;6;60;" in lines
    why = WHY
    assert f"Opplæringskontoret Øst;5;*;*;{why}" in lines
    xlsx = client.get(f"{page_url(county_a)}xlsx/", {"etter": "kontor"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert ["Opplæringskontoret Vest", 10, 6, 60.0, None] in values
    assert ["Opplæringskontoret Øst", 5, "*", "*", why] in values
    assert client.get(f"{page_url(county_a)}pdf/").status_code == 404
    downloads = AuditEntry.objects.filter(action=AuditAction.DOWNLOAD, county=county_a)
    assert [e.detail["format"] for e in downloads.order_by("pk")] == ["csv", "xlsx"]


def test_the_suppression_is_computed_once_per_round_scope_and_counts(
    client, county_a_admin, county_a, lu_sample, monkeypatch, django_assert_max_num_queries
):
    from django.core.cache import cache

    from reporting import live_rates

    cache.clear()
    real = live_rates.pattern_compute
    calls = []

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(live_rates, "pattern_compute", counted)
    client.force_login(county_a_admin)
    client.get(page_url(county_a))
    assert len(calls) == 1
    with django_assert_max_num_queries(20):
        client.get(page_url(county_a), {"etter": "fag"})
        client.get(f"{page_url(county_a)}csv/", {"etter": "bedrift"})
    assert len(calls) == 1  # other groupings and the download: the same pattern
    # A new answer changes the counts: the pattern is made again.
    Respondent.objects.filter(round=lu_sample, county=county_a, answered_at=None).filter(
        pk__in=Respondent.objects.filter(county=county_a, answered_at=None).values("pk")[:1]
    ).update(answered_at=timezone.now())
    client.get(page_url(county_a))
    assert len(calls) == 2


def test_the_front_page_panel_hides_a_small_total(client, county_b_admin, county_b, lu_sample):
    Respondent.objects.filter(round=lu_sample, county=county_b).update(answered_at=None)
    client.force_login(county_b_admin)
    body = client.get(reverse("county_dashboard", args=[county_b.code])).content.decode()
    panel = body[body.index('id="panel-rates"') :]
    assert '<td class="num">6</td>\n        <td class="num">0</td>' in panel  # nobody yet
    Respondent.objects.filter(
        pk__in=Respondent.objects.filter(round=lu_sample, county=county_b).values("pk")[:2]
    ).update(answered_at=timezone.now())
    body = client.get(reverse("county_dashboard", args=[county_b.code])).content.decode()
    panel = body[body.index('id="panel-rates"') :]
    hidden = f'<td class="num">6</td>\n        <td class="num"><abbr title="{WHY}">*</abbr></td>'
    assert hidden in panel  # two answers: hidden, with why


@pytest.mark.parametrize(
    ("language", "explained", "why", "legend"),
    [
        (
            "nb",
            "vises antall svar i en gruppe som * når færre enn 5 har svart",
            WHY,
            "Hvorfor noen tall er skjult",
        ),
        (
            "nn",
            "vert talet på svar i ei gruppe vist som * når færre enn 5 har svart",
            "Færre enn 5 har svart, eller skjult så ei gruppe med færre ikkje kan reknast ut frå "
            "dei andre tala.",
            "Kvifor nokre tal er skjulte",
        ),
        (
            "en",
            "a group's number of answers is shown as * when fewer than 5 have answered",
            "Fewer than 5 have answered, or hidden so that a group with fewer cannot be worked "
            "out from the other figures.",
            "Why some figures are hidden",
        ),
    ],
)
def test_the_page_says_why_a_figure_is_hidden(
    client, settings, county_a_admin, county_a, lu_sample, language, explained, why, legend
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(county_a_admin)
    body = client.get(page_url(county_a), {"etter": "kontor"}).content.decode()
    assert explained in " ".join(body.split())
    assert f'<td class="num">5</td><td class="num"><abbr title="{why}">*</abbr></td>' in body
    assert legend in body
    # The last day to answer: the published results' figures, said so.
    Round.objects.filter(pk=lu_sample.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    body = client.get(page_url(county_a), {"etter": "kontor"}).content.decode()
    assert body.count("<abbr") >= 2  # office B and the rest, still hidden
    assert '<td class="num">10</td><td class="num">6</td>' in body


def test_the_dispatch_page_hides_the_total_as_the_rate_pages_do(
    client, county_b_admin, county_b, lu_sample
):
    """One figure, one answer: a total the rate pages hide is hidden where dispatches are
    planned too."""
    Respondent.objects.filter(round=lu_sample, county=county_b).update(answered_at=None)
    Respondent.objects.filter(
        pk__in=Respondent.objects.filter(round=lu_sample, county=county_b).values("pk")[:2]
    ).update(answered_at=timezone.now())
    client.force_login(county_b_admin)
    url = reverse("county_dispatches", args=[county_b.code, lu_sample.year])
    body = " ".join(client.get(url).content.decode().split())
    assert f"6 invitert; antall svar er skjult. {WHY}" in body
    assert "2 av 6" not in body
    rates = client.get(page_url(county_b)).content.decode()
    assert f'<dd><abbr title="{WHY}">*</abbr></dd>' in rates


def test_a_group_of_fewer_than_k_invited_is_hidden_even_when_nobody_has_answered(
    lu_round, county_b
):
    classed(lu_round, county_b, 4, 0, when=timezone.now())
    totals = kind_rates(lu_round, county=county_b, today=oslo_today(), compare=False).totals
    assert (totals.sampled, totals.answered) == (4, None)
    classed(lu_round, county_b, 6, 0, when=timezone.now())
    totals = kind_rates(lu_round, county=county_b, today=oslo_today(), compare=False).totals
    assert (totals.sampled, totals.answered) == (10, 0)
