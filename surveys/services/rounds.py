"""Survey rounds: one per year and kind, with the calendar of R-C1..R-C5, the questionnaire
version it uses and, for LBU, which counties run it this year (R-L2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.lib.oslo import last_day_before, oslo_datetime, oslo_now, oslo_today
from portal.models import County
from surveys.models import Questionnaire, Round, RoundCounty, SurveyKind
from surveys.services.questionnaires import questionnaire_for


@dataclass(frozen=True)
class RoundCalendar:
    """The dates of one round. `closes_at` is exclusive: the first moment answers are refused,
    00:00 the day after the last day to answer."""

    qa_starts_on: date
    correction_deadline: datetime
    reference_date: date
    opens_at: datetime
    closes_at: datetime
    separate_lbu_from: date | None

    @property
    def last_answer_day(self) -> date:
        return last_day_before(self.closes_at)


def default_calendar(year: int, kind: str) -> RoundCalendar:
    """The national calendar of survey year Y (R-C1..R-C5)."""
    return RoundCalendar(
        qa_starts_on=date(year, 9, 1),  # R-C1
        correction_deadline=oslo_datetime(date(year, 9, 30), time(12, 0)),  # R-C2
        reference_date=date(year, 10, 1),  # R-C3
        opens_at=oslo_datetime(date(year, 10, 15)),  # R-C4
        closes_at=oslo_datetime(date(year, 12, 21)),  # R-C4: the last day is 20 December
        separate_lbu_from=date(year, 11, 15) if kind == SurveyKind.LBU else None,  # R-C5
    )


def validate_calendar(calendar: RoundCalendar, *, year: int) -> None:
    """The dates must follow each other as in R-C1..R-C5 and lie in the survey year."""
    errors: list[ValidationError] = []
    local = {
        "deadline": oslo_today(calendar.correction_deadline),
        "opens": oslo_today(calendar.opens_at),
    }
    if calendar.qa_starts_on.year != year or calendar.reference_date.year != year:
        errors.append(
            ValidationError(
                _("Quality assurance and the reference date must lie in %(year)s."),
                params={"year": year},
            )
        )
    if not calendar.qa_starts_on <= local["deadline"] <= calendar.reference_date:
        errors.append(
            ValidationError(
                _(
                    "The deadline for corrections must lie between the start of quality "
                    "assurance and the reference date."
                )
            )
        )
    if local["opens"] < calendar.reference_date:
        errors.append(ValidationError(_("The survey cannot open before the reference date.")))
    if calendar.closes_at <= calendar.opens_at:
        errors.append(ValidationError(_("The last day to answer must come after the opening.")))
    if calendar.separate_lbu_from is not None and not (
        local["opens"] <= calendar.separate_lbu_from <= last_day_before(calendar.closes_at)
    ):
        errors.append(
            ValidationError(_("LBU can only be sent separately while the survey is open."))
        )
    if errors:
        raise ValidationError(errors)


def default_questionnaire(kind: str, year: int) -> Questionnaire:
    """The newest questionnaire version introduced in or before the survey year."""
    try:
        return questionnaire_for(kind, year)
    except Questionnaire.DoesNotExist as error:
        raise ValidationError(
            _("No %(kind)s questionnaire exists for %(year)s or earlier."),
            params={"kind": SurveyKind(kind).label, "year": year},
        ) from error


def _check_questionnaire(questionnaire: Questionnaire, *, kind: str, year: int) -> None:
    if questionnaire.kind != kind or questionnaire.version > year:
        raise ValidationError(
            _("The questionnaire must be a %(kind)s version from %(year)s or earlier."),
            params={"kind": SurveyKind(kind).label, "year": year},
        )


@transaction.atomic
def round_create(*, year: int, kind: str, questionnaire: Questionnaire | None = None) -> Round:
    """Create the round of one survey and year with the national calendar.

    Every county of the year's structure gets a RoundCounty row. For LU and ÅR it only records
    that the county takes part (mandatory, R-L1, R-L3); for LBU it is the county's choice
    (R-L2), which starts as "takes part" until the county says otherwise."""
    kind = SurveyKind(kind)
    if questionnaire is None:
        questionnaire = default_questionnaire(kind, year)
    _check_questionnaire(questionnaire, kind=kind, year=year)
    calendar = default_calendar(year, kind)
    try:
        with transaction.atomic():
            round_ = Round.objects.create(
                year=year,
                kind=kind,
                questionnaire=questionnaire,
                qa_starts_on=calendar.qa_starts_on,
                correction_deadline=calendar.correction_deadline,
                reference_date=calendar.reference_date,
                opens_at=calendar.opens_at,
                closes_at=calendar.closes_at,
                separate_lbu_from=calendar.separate_lbu_from,
            )
    except IntegrityError as error:
        raise ValidationError(
            _("The %(kind)s round of %(year)s already exists."),
            params={"kind": kind.label, "year": year},
        ) from error
    RoundCounty.objects.bulk_create(
        RoundCounty(round=round_, county=county, participates=True)
        for county in County.objects.existing_in(year)
    )
    return round_


def rounds_create_year(year: int, kinds: list[str] | None = None) -> list[Round]:
    """Create whichever of the year's rounds do not exist yet; returns the ones created."""
    existing = set(Round.objects.filter(year=year).values_list("kind", flat=True))
    created = []
    for kind in kinds or list(SurveyKind):
        if kind not in existing:
            created.append(round_create(year=year, kind=kind))
    return created


@transaction.atomic
def round_update(
    round_: Round, *, calendar: RoundCalendar, questionnaire: Questionnaire | None = None
) -> Round:
    """The national administrator's changes to a round's calendar and questionnaire.

    Once the sample is frozen its reference date is history and cannot move; once the survey
    has opened, the questionnaire cannot change under people who are answering."""
    validate_calendar(calendar, year=round_.year)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.is_frozen and calendar.reference_date != round_.reference_date:
        raise ValidationError(
            _("The sample is frozen, so the reference date can no longer change.")
        )
    if questionnaire is not None and questionnaire.pk != round_.questionnaire_id:
        _check_questionnaire(questionnaire, kind=round_.kind, year=round_.year)
        if timezone.now() >= round_.opens_at:
            raise ValidationError(
                _("The survey has opened, so its questionnaire can no longer change.")
            )
        round_.questionnaire = questionnaire
    round_.qa_starts_on = calendar.qa_starts_on
    round_.correction_deadline = calendar.correction_deadline
    round_.reference_date = calendar.reference_date
    round_.opens_at = calendar.opens_at
    round_.closes_at = calendar.closes_at
    round_.separate_lbu_from = calendar.separate_lbu_from
    round_.save()
    return round_


def lbu_choice_open(round_: Round, now: datetime | None = None) -> bool:
    """A county chooses whether to run LBU while its samples are being quality-assured: until
    the correction deadline (R-C2), and never after the sample is frozen."""
    now = now or timezone.now()
    if round_.kind != SurveyKind.LBU or round_.is_frozen:
        return False
    return now < round_.correction_deadline


@transaction.atomic
def round_county_set_lbu(
    round_: Round, county: County, *, participates: bool, now: datetime | None = None
) -> RoundCounty:
    """Record a county's choice to run LBU this year or not (R-L2).

    The choice takes effect at the next build of the sample, at the latest when it is frozen."""
    if round_.kind != SurveyKind.LBU:
        raise ValidationError(_("Only LBU is the county's choice; LU and ÅR are mandatory."))
    if not lbu_choice_open(round_, now):
        raise ValidationError(
            _("The choice closed with the deadline for corrections on %(deadline)s."),
            params={
                "deadline": oslo_now(round_.correction_deadline).strftime(
                    "%d.%m.%Y %H:%M"
                )
            },
        )
    if not county.exists_in(round_.year):
        raise ValidationError(
            _("%(county)s is not a county in %(year)s."),
            params={"county": county, "year": round_.year},
        )
    choice, _created = RoundCounty.objects.update_or_create(
        round=round_, county=county, defaults={"participates": participates}
    )
    return choice
