"""R-P5 targets set before the round opens and shown beside results; R-P6 the follow-up list."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from reporting.followup import follow_up_list
from reporting.models import Target
from reporting.scopes import ResultScope
from reporting.selectors import publication_get
from surveys.models import Round
from surveys.services.rounds import round_create
from tests.reporting.conftest import publish_year, small_rows

pytestmark = pytest.mark.django_db


def test_a_county_sets_its_targets_with_last_year_and_the_nation_beside(
    client, published, county_a_admin
):
    client.force_login(county_a_admin)
    body = client.get("/fylke/46/mal/2025/").content.decode()
    assert 'name="lu-trivsel"' in body and 'name="lbu-samarbeid_fylke"' in body
    assert "I fjor:" in body and "nasjonalt i fjor:" in body
    response = client.post("/fylke/46/mal/2025/", {"lu-trivsel": "4,2", "lu-plan": "3.9"})
    assert response.status_code == 302
    values = dict(Target.objects.filter(year=2025).values_list("index", "value"))
    assert values == {"trivsel": Decimal("4.2"), "plan": Decimal("3.9")}


def test_a_bad_target_is_refused_and_nothing_is_saved(client, published, county_a_admin):
    client.force_login(county_a_admin)
    response = client.post("/fylke/46/mal/2025/", {"lu-trivsel": "4,2", "lu-plan": "6"})
    assert response.status_code == 200
    assert 'aria-describedby="help_lu-plan error_lu-plan"' in response.content.decode()
    assert not Target.objects.exists()


def test_targets_cannot_change_once_the_round_has_opened(
    client, questionnaires, office_a_admin, world
):
    round_ = round_create(year=2031, kind="LU")
    Round.objects.filter(pk=round_.pk).update(opens_at=timezone.now() - timedelta(days=1))
    client.force_login(office_a_admin)
    url = f"/kontor/{world.offices['big'].orgnr}/mal/2031/"
    assert "disabled" in client.get(url).content.decode()
    client.post(url, {"lu-trivsel": "4,0"})
    assert not Target.objects.exists()


def test_results_show_each_index_against_its_target(client, published, county_a_admin, world):
    Target.objects.create(county=world.county_a, year=2024, kind="LU", index="trivsel", value=5)
    client.force_login(county_a_admin)
    body = client.get("/fylke/46/resultater/2024/lu/").content.decode()
    assert 'class="below-target"' in body
    assert "5,0" in body


@pytest.fixture
def two_years(questionnaires, world):
    office, trade = world.offices["big"], world.trades["ELE"]
    rows = small_rows(world.county_a, office, trade, answered=40, sampled=50)
    publish_year(2023, rows, seed=1)
    return publish_year(2024, rows, seed=2)


def test_follow_up_lists_indexes_below_target_by_more_than_their_uncertainty(two_years, world):
    scope = ResultScope.of_county(world.county_a)
    Target.objects.create(county=world.county_a, year=2024, kind="LU", index="trivsel", value=5)
    Target.objects.create(county=world.county_a, year=2024, kind="LU", index="plan", value=1)
    followup = follow_up_list(scope, publication_get("LU", 2024), share_limit=0.0)
    below = {s.row.item.code for s in followup.shortfalls if s.against == "target"}
    assert below == {"index:trivsel"}


def test_follow_up_signals_come_only_from_shown_groups_above_the_share(two_years, world):
    scope = ResultScope.of_county(world.county_a)
    publication = publication_get("LU", 2024)
    everything = follow_up_list(scope, publication, share_limit=0.0)
    assert everything.signals
    assert all(s.figure.shown and s.figure.n >= 5 for s in everything.signals)
    assert all(s.item.is_follow_up for s in everything.signals)
    assert follow_up_list(scope, publication, share_limit=1.0).signals == []


def test_the_follow_up_page(client, two_years, county_a_admin):
    client.force_login(county_a_admin)
    response = client.get("/fylke/46/resultater/2024/lu/oppfolging/?andel=1")
    assert response.status_code == 200
    assert 'value="1"' in response.content.decode()
