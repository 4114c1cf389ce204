"""R-P5: targets for the response rate as well as the indexes, an office seeing its county's
targets beside its own, and the front page asking for the year's targets before the round
opens."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import RequestFactory

from portal.accounts.access import Scope
from portal.front.panels import panels_for
from portal.lib.oslo import OSLO
from portal.models import Role
from reporting.models import Target
from reporting.models.targets import RESPONSE_RATE
from reporting.panels import targets_due_panel
from reporting.scopes import ResultScope
from reporting.selectors import publication_get, results_overview
from surveys.models import Round

pytestmark = pytest.mark.django_db


def test_a_county_sets_a_target_for_the_response_rate(client, published, county_a_admin):
    client.force_login(county_a_admin)
    body = client.get("/fylke/46/mal/2025/").content.decode()
    assert f'name="lu-{RESPONSE_RATE}"' in body
    assert "Svarprosent (%)" in body
    response = client.post(
        "/fylke/46/mal/2025/", {f"lu-{RESPONSE_RATE}": "72,5 %", "lu-trivsel": "4,2"}
    )
    assert response.status_code == 302
    values = dict(Target.objects.filter(year=2025).values_list("index", "value"))
    assert values == {RESPONSE_RATE: Decimal("72.5"), "trivsel": Decimal("4.2")}


def test_a_response_rate_above_100_or_an_index_above_5_is_refused(
    client, published, county_a_admin
):
    client.force_login(county_a_admin)
    response = client.post("/fylke/46/mal/2025/", {f"lu-{RESPONSE_RATE}": "101"})
    assert response.status_code == 200
    assert f"error_lu-{RESPONSE_RATE}" in response.content.decode()
    response = client.post("/fylke/46/mal/2025/", {"lu-trivsel": "72"})
    assert "error_lu-trivsel" in response.content.decode()
    assert not Target.objects.exists()


def test_the_results_show_the_response_rate_against_its_target(published, world, client,
                                                                county_a_admin):
    Target.objects.create(
        county=world.county_a, year=2024, kind="LU", index=RESPONSE_RATE, value=Decimal("99.0")
    )
    overview = results_overview(ResultScope.of_county(world.county_a), publication_get("LU", 2024))
    assert overview.response_target == Decimal("99.0")
    assert overview.below_response_target
    assert all(row.target is None for row in overview.rows)  # not taken for an index
    client.force_login(county_a_admin)
    body = client.get("/fylke/46/resultater/2024/lu/").content.decode()
    assert "Mål for svarprosenten" in body and "99,0 %" in body


def test_an_office_sees_its_countys_targets_beside_its_own_and_cannot_change_them(
    client, published, office_a_admin, world
):
    Target.objects.create(county=world.county_a, year=2025, kind="LU", index="trivsel", value=4)
    Target.objects.create(
        county=world.county_a, year=2025, kind="LU", index=RESPONSE_RATE, value=Decimal("65")
    )
    Target.objects.create(
        county=world.county_a, year=2024, kind="LU", index=RESPONSE_RATE, value=Decimal("61")
    )
    client.force_login(office_a_admin)
    url = f"/kontor/{world.offices['big'].orgnr}/mal/2025/"
    body = client.get(url).content.decode()
    assert "målet til Vestland" in body
    assert '<span class="county-target">4,0</span>' in body
    assert '<span class="county-target">65,0 %</span>' in body
    # Posting the county's field names changes only the office's own targets.
    client.post(url, {"lu-trivsel": "3,5"})
    county = Target.objects.get(county=world.county_a, year=2025, index="trivsel")
    assert county.value == Decimal("4.0")
    assert Target.objects.get(office=world.offices["big"], year=2025).value == Decimal("3.5")
    body = client.get(
        f"/kontor/{world.offices['big'].orgnr}/resultater/2024/lu/"
    ).content.decode()
    assert "Fylkets mål for svarprosenten" in body and "61,0 %" in body


@pytest.fixture
def coming_round(questionnaires):
    from surveys.services.questionnaires import questionnaire_for

    def make(opens: date) -> Round:
        return Round.objects.create(
            year=opens.year,
            kind="LU",
            questionnaire=questionnaire_for("LU", opens.year),
            qa_starts_on=opens - timedelta(days=40),
            correction_deadline=datetime.combine(opens - timedelta(days=15), datetime.min.time(),
                                                 tzinfo=OSLO),
            reference_date=opens - timedelta(days=14),
            opens_at=datetime.combine(opens, datetime.min.time(), tzinfo=OSLO),
            closes_at=datetime.combine(opens + timedelta(days=60), datetime.min.time(),
                                       tzinfo=OSLO),
        )

    return make


def test_the_front_page_asks_for_the_years_targets_before_the_round_opens(
    coming_round, county_a
):
    coming_round(date(2026, 10, 15))
    scope = Scope(role=Role.COUNTY, county=county_a)
    request = RequestFactory().get("/")
    # Too early: not yet.
    assert targets_due_panel(request, scope, today=date(2026, 8, 1)) is None
    due = targets_due_panel(request, scope, today=date(2026, 10, 1))
    assert due is not None
    assert due["days_left"] == 14 and due["year"] == 2026
    assert due["targets_url"] == "/fylke/46/mal/2026/"
    # Once a target is saved, or once the round has opened, it asks no more.
    Target.objects.create(county=county_a, year=2026, kind="LU", index=RESPONSE_RATE, value=70)
    assert targets_due_panel(request, scope, today=date(2026, 10, 1)) is None
    Target.objects.all().delete()
    assert targets_due_panel(request, scope, today=date(2026, 10, 16)) is None
    # The national level sets no targets.
    assert targets_due_panel(request, Scope(role=Role.NATIONAL), today=date(2026, 10, 1)) is None


def test_the_targets_warning_is_a_panel_of_the_county_front_page(coming_round, county_a):
    from portal.lib.oslo import oslo_today

    coming_round(oslo_today() + timedelta(days=10))
    scope = Scope(role=Role.COUNTY, county=county_a)
    panels = {p.key: p.html for p in panels_for(RequestFactory().get("/"), scope)}
    html = panels["reporting-targets-due"]
    assert "Sett målene for" in html and "/fylke/46/mal/" in html
