"""The help's guides give the round's dates, not the national calendar written into the text:
a round that closes on 6 January says so in every language."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from portal.lib.oslo import oslo_datetime, oslo_today
from surveys.models import Round
from tests import register_rows as rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_round():
    year = oslo_today().year
    rows.rounds(year)
    Round.objects.filter(year=year).update(closes_at=oslo_datetime(date(year + 1, 1, 7)))
    return year


@pytest.mark.parametrize(
    ("language", "last_day", "opens"),
    [
        ("nb", "Siste svardag er 6. januar.", "Fra 15. oktober"),
        ("nn", "Siste svardag er 6. januar.", "Frå 15. oktober"),
        ("en", "The last day to answer is 6 January.", "From 15 October"),
    ],
)
def test_the_county_guide_takes_its_dates_from_the_round(
    client, late_round, language, last_day, opens
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = client.get(reverse("help_guide", args=["fylke"])).content.decode()
    assert last_day in body
    assert opens in body
    assert "20. desember" not in body and "20 December" not in body


def test_the_national_guide_gives_the_round_s_last_day(client, late_round):
    body = client.get(reverse("help_guide", args=["nasjonalt"])).content.decode()
    assert "siste svardag 6. januar" in body


def test_without_a_round_the_guide_gives_the_national_calendar(client):
    body = client.get(reverse("help_guide", args=["fylke"])).content.decode()
    assert "Siste svardag er 20. desember." in body
