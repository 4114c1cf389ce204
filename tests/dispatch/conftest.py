"""A small survey year for the dispatch tests: LU, ÅR and LBU rounds open now with frozen
samples, two counties, two training offices (office A with apprentices in both counties) and
their companies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from demo.portal_users import valid_orgnr
from portal.lib.oslo import oslo_today
from portal.models import Company
from registry_import.models import Trade
from surveys.models import Respondent, RespondentRole, Round, SurveyKind
from tests.surveys.factories import (
    ar_questionnaire,
    lbu_questionnaire,
    lu_questionnaire,
    respondent_make,
    round_make,
)


@pytest.fixture(autouse=True)
def english():
    """Services' messages in the source language; the pages choose their own (bokmål)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def recording_backends(settings):
    settings.DISPATCH_EMAIL_BACKEND = "record"
    settings.SMS_BACKEND = "record"
    # As a provider whose delivery reports come later, through the webhooks.
    settings.DISPATCH_RECORD_DELIVERED = False
    settings.SITE_URL = "https://undersokelse.test"


@pytest.fixture
def broker_down(monkeypatch):
    """Tasks go to a broker at a closed port, as a Redis that is down; the pools made for the
    real one are set aside so nothing reaches it."""
    from portal.celery import app

    broker_url, eager = app.conf.broker_url, app.conf.task_always_eager
    app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)

    def back(*, worker: bool = False) -> None:
        """The broker is back: the real one for a worker, or tasks run here, in the test."""
        app.conf.update(broker_url=broker_url, task_always_eager=not worker)
        monkeypatch.setattr(app, "_pool", None)
        monkeypatch.setattr(app.amqp, "_producer_pool", None)

    try:
        yield back
    finally:
        app.conf.update(broker_url=broker_url, task_always_eager=eager)


def frozen(round_: Round) -> Round:
    round_.sample_frozen_at = timezone.now() - timedelta(days=20)
    if round_.kind == SurveyKind.LBU:
        round_.separate_lbu_from = oslo_today() - timedelta(days=1)
    round_.save()
    return round_


@dataclass
class Year:
    lu: Round
    ar: Round
    lbu: Round
    people: dict[str, Respondent]


@pytest.fixture
def year(county_a, county_b, office_a, office_b, company_a) -> Year:
    return year_make(county_a, county_b, office_a, office_b, company_a)


def year_make(county_a, county_b, office_a, office_b, company_a) -> Year:
    trade = Trade.objects.create(code="ELE3", name="Elektrikerfaget")
    independent_a = Company.objects.create(
        orgnr=valid_orgnr(98000011), name="Fjord Rør AS", county=county_a
    )
    company_b = Company.objects.create(
        orgnr=valid_orgnr(98000021), name="Oslo Bygg AS", county=county_b, training_office=office_b
    )
    # A company in county B that is a member of office A: office A's apprentices in county B.
    company_b_of_a = Company.objects.create(
        orgnr=valid_orgnr(98000031),
        name="Oslo Elektro AS",
        county=county_b,
        training_office=office_a,
    )
    lu = frozen(round_make(lu_questionnaire()))
    ar = frozen(round_make(ar_questionnaire()))
    lbu = frozen(round_make(lbu_questionnaire()))
    n = iter(range(1000))

    def apprentice(county, company, office, **fields):
        i = next(n)
        return respondent_make(
            lu,
            county,
            company=company,
            training_office=office,
            trade=trade,
            name=f"Lærling {i}",
            email=f"l{i}@example.test",
            mobile=f"+479100{i:04d}",
            **fields,
        )

    def leader(round_, county, company, office, **fields):
        i = next(n)
        return respondent_make(
            round_,
            county,
            role=RespondentRole.LEADER,
            company=company,
            training_office=office,
            name=f"Leder {i}",
            email=f"f{i}@example.test",
            mobile=f"+479200{i:04d}",
            **fields,
        )

    people = {
        "lu_a_member": apprentice(county_a, company_a, office_a),
        "lu_a_independent": apprentice(county_a, independent_a, None),
        "lu_b_of_office_a": apprentice(county_b, company_b_of_a, office_a),
        "lu_b": apprentice(county_b, company_b, office_b),
        "ar_office_a": respondent_make(
            ar,
            county_a,
            role=RespondentRole.OFFICE,
            training_office=office_a,
            name="Dagny Leder",
            email="dl@okvest.test",
            mobile="+4793000001",
        ),
        "ar_office_b": respondent_make(
            ar, county_b, role=RespondentRole.OFFICE, training_office=office_b, name="Ola"
        ),
        "lbu_member_a": leader(lbu, county_a, company_a, office_a),
        "lbu_independent_a": leader(lbu, county_a, independent_a, None),
        "lbu_b": leader(lbu, county_b, company_b, office_b),
    }
    people["ar_member_a"] = leader(
        ar, county_a, company_a, office_a, continues_to=people["lbu_member_a"]
    )
    people["ar_independent_a"] = leader(
        ar, county_a, independent_a, None, continues_to=people["lbu_independent_a"]
    )
    people["ar_b"] = leader(ar, county_b, company_b, office_b, continues_to=people["lbu_b"])
    people["ar_member_b_of_a"] = leader(ar, county_b, company_b_of_a, office_a)
    return Year(lu=lu, ar=ar, lbu=lbu, people=people)


def ids(*respondents: Respondent) -> set[int]:
    return {r.pk for r in respondents}
