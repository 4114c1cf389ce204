"""The demo's survey year: questionnaires loaded, the three rounds of the latest survey year
open now, their samples built from the demo register and frozen, and personal links for one
apprentice (LU), one member company (ÅR, then LBU in the same link) and the demo training
office (ÅR), so a person can answer each through a printed link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from portal.lib.oslo import oslo_today
from portal.models import TrainingOffice
from surveys.models import Respondent, RespondentRole, Round, SurveyKind
from surveys.services.links import link_issue, link_path
from surveys.services.questionnaires import questionnaires_load
from surveys.services.rounds import rounds_create_year
from surveys.services.samples import samples_freeze

DEMO_COUNTY = "46"


@dataclass(frozen=True)
class DemoLink:
    description: str
    path: str


def survey_year_of(today: date) -> int:
    """The survey year whose reference date (1 October) is the latest one up to today."""
    return today.year if today >= date(today.year, 10, 1) else today.year - 1


def _open_now(round_: Round, now: datetime) -> None:
    """Stretch the round's answering window so it is open today, whatever the date the demo is
    tried on; the real calendar stays as the national defaults outside the demo."""
    opens_at = min(round_.opens_at, now - timedelta(hours=1))
    closes_at = max(round_.closes_at, now + timedelta(days=30))
    if (opens_at, closes_at) != (round_.opens_at, round_.closes_at):
        round_.opens_at, round_.closes_at = opens_at, closes_at
        round_.save(update_fields=["opens_at", "closes_at"])


def load_demo_surveys(*, office: TrainingOffice, now: datetime | None = None) -> list[DemoLink]:
    now = now or timezone.now()
    questionnaires_load()
    year = survey_year_of(oslo_today(now))
    rounds_create_year(year)
    rounds = {r.kind: r for r in Round.objects.filter(year=year)}
    # LBU first, so the ÅR sample can link each company on to its LBU respondent (R-D9).
    for kind in (SurveyKind.LU, SurveyKind.LBU, SurveyKind.AR):
        round_ = rounds[kind]
        _open_now(round_, now)
        if not round_.is_frozen:
            samples_freeze(round_, now=now)
    with transaction.atomic():
        return _demo_links(rounds, office)


def _unanswered(round_: Round, **filters) -> Respondent | None:
    return (
        Respondent.objects.filter(
            round=round_, county__code=DEMO_COUNTY, answered_at__isnull=True, **filters
        )
        .order_by("pk")
        .first()
    )


def _demo_links(rounds: dict[str, Round], office: TrainingOffice) -> list[DemoLink]:
    links: list[DemoLink] = []
    chosen = [
        (
            "LU: an apprentice in Vestland",
            _unanswered(rounds[SurveyKind.LU], role=RespondentRole.APPRENTICE),
        ),
        (
            "ÅR and then LBU in the same link: a member company in Vestland",
            _unanswered(
                rounds[SurveyKind.AR],
                role=RespondentRole.LEADER,
                training_office__isnull=False,
                continues_to__isnull=False,
            ),
        ),
        (
            f"ÅR of the training office {office.name} (also in the portal as kontor@demo.no)",
            Respondent.objects.filter(
                round=rounds[SurveyKind.AR], role=RespondentRole.OFFICE, training_office=office
            ).first(),
        ),
    ]
    for description, respondent in chosen:
        if respondent is not None:
            links.append(DemoLink(description, link_path(link_issue(respondent))))
    return links
