"""The surveys' panels on the organisations' front pages (portal.front.panels), registered in
surveys/hooks.py: the rounds waiting for their extract, what to do now from the round calendar,
the response rates, and the Directorate's table of every county's response rates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, Subquery
from django.http import HttpRequest

from portal.accounts.access import Need, Scope, user_scopes
from portal.lib.oslo import oslo_today
from portal.models import County, Role
from portal.organisations.structure import counterparts
from registry_import.selectors import last_extract_imported_at
from surveys.calendar import calendar_panel_context
from surveys.models import Respondent, RespondentRole, Round, SurveyKind
from surveys.quality import ReferenceDates, quality_categories, quality_reference_dates
from surveys.rate_tables import KindRates, counties_rates, kind_rates
from surveys.selectors import kind_order
from surveys.services.samples import rounds_waiting_for_extract, waiting_message


def rounds_waiting_notices() -> list[str]:
    """For the national overview: the rounds whose sample waits for the 1 October extract."""
    today = oslo_today()
    return [waiting_message(round_) for round_ in rounds_waiting_for_extract(today)]


def waiting_panel(request: HttpRequest, scope: Scope) -> dict | None:
    notices = rounds_waiting_notices()
    return {"notices": notices} if notices else None


def _rounds_read(request: HttpRequest) -> tuple[list[Round], dict[str, Round]]:
    """The newest year's rounds (as newest_rounds orders them) and the year before's by kind,
    read in one query once for all the panels of one front page."""
    found = getattr(request, "_front_rounds", None)
    if found is None:
        newest_year = Round.objects.order_by("-year").values("year")[:1]
        both = list(Round.objects.filter(year__gte=Subquery(newest_year) - 1))
        year = max((r.year for r in both), default=0)
        newest = sorted((r for r in both if r.year == year), key=lambda r: kind_order(r.kind))
        found = (newest, {r.kind: r for r in both if r.year == year - 1})
        request._front_rounds = found  # type: ignore[attr-defined]  # per-request cache, private
    return found


def front_rounds(request: HttpRequest) -> tuple[list[Round], dict[str, Round]]:
    """For other apps' front-page panels: the rounds every panel of the page shares."""
    return _rounds_read(request)


def _newest(request: HttpRequest) -> list[Round]:
    return list(_rounds_read(request)[0])


def calendar_panel(request: HttpRequest, scope: Scope) -> dict | None:
    return calendar_panel_context(scope, newest=_newest(request))


@dataclass(frozen=True)
class Behind:
    """The organisation's total response rate of an open round, behind last year's on the same
    date by more than settings.RATE_BEHIND_MARGIN percentage points."""

    rates: KindRates
    this_year: float
    last_year: float

    @property
    def points(self) -> float:
        return self.last_year - self.this_year


def rate_behind(rates: KindRates) -> Behind | None:
    """Whether the round's total rate is behind last year's on the same date by more than the
    margin; only the organisation's total, never a group within it."""
    if not rates.is_open or rates.last_totals is None:
        return None
    this_year, last_year = rates.totals.rate, rates.last_totals.rate
    if this_year is None or last_year is None:
        return None
    if last_year - this_year <= settings.RATE_BEHIND_MARGIN:
        return None
    return Behind(rates, this_year, last_year)


def _open_on(round_: Round, today: date) -> bool:
    return oslo_today(round_.opens_at) <= today <= round_.last_answer_day


def rates_panel(request: HttpRequest, scope: Scope) -> dict | None:
    rounds = _newest(request)
    if not rounds:
        return None
    today = oslo_today()
    # Compared with last year only where there is a last year.
    last_year = set(_rounds_read(request)[1])
    kinds = [
        kind_rates(
            r,
            county=scope.county,
            office=scope.office,
            today=today,
            compare=_open_on(r, today) and r.kind in last_year,
        )
        for r in rounds
    ]
    behind = [b for b in (rate_behind(rates) for rates in kinds) if b is not None]
    return {
        "kinds": kinds,
        "behind": behind,
        "margin": settings.RATE_BEHIND_MARGIN,
        "url": scope.route("response_rates"),
        "threshold": settings.REPORTING_THRESHOLD,
    }


NATIONAL_RATES_SECONDS = 60
QUALITY_DONE_SECONDS = 60


@dataclass(frozen=True)
class CountyRates:
    county: County
    url: str | None  # the county's front page, when the user may see the county's pages
    rates: KindRates


def national_rates_panel(request: HttpRequest, scope: Scope) -> dict | None:
    """The Directorate's table: every county's response rate per survey of the newest year,
    beside last year's on the same date, hidden as the county's own pages hide them; in a
    bounded number of queries whatever the number of counties (rate_tables.counties_rates),
    and kept a minute in the cache."""
    rounds = _newest(request)
    if not rounds:
        return None
    today = oslo_today()
    year = rounds[0].year
    every_county = {c.code: c for c in County.objects.order_by("code")}
    # The counties of the year's structure: each that is itself in the year (County.in_year).
    counties = [c for code, c in every_county.items() if counterparts(code, year) == (code,)]
    last_rounds = _rounds_read(request)[1]
    # The counties the user may open: those they hold a membership of (user_scopes, read once).
    held = user_scopes(request) if hasattr(request, "user") else []
    urls = {s.county.pk: s.url for s in held if s.county is not None and s.may(Need.MEMBER)}
    surveys = []
    for round_ in rounds:
        last_round = last_rounds.get(round_.kind)
        # Kept a minute, as the rate pages refresh: reading every county's classes is the
        # costly part of the Directorate's front page at national scale.
        key = (
            f"national-rates:{round_.pk}:{last_round.pk if last_round else 0}:{today}:"
            f"{settings.REPORTING_THRESHOLD}"
        )
        by_county = cache.get(key)
        if by_county is None:
            by_county = counties_rates(
                round_, counties, today=today, last_round=last_round, every_county=every_county
            )
            cache.set(key, by_county, NATIONAL_RATES_SECONDS)
        surveys.append(
            {
                "round": round_,
                "as_of": min(today, round_.last_answer_day),
                "compared": round_.kind in last_rounds,
                "rows": [
                    CountyRates(c, urls.get(c.pk), by_county[c.pk])
                    for c in counties
                    if c.pk in by_county
                ],
            }
        )
    return {"surveys": surveys, "threshold": settings.REPORTING_THRESHOLD}


# --- Steps of the survey year done from the data (portal.front.panels.step_check_register) -----


def quality_done(scope: Scope, rounds: Sequence[Round]) -> bool | None:
    """The county's quality report is done when none of its lists has a row left."""
    if scope.role != Role.COUNTY or scope.county is None or not rounds:
        return None
    by_kind = {r.kind: r.reference_date for r in rounds}
    if SurveyKind.LU in by_kind and SurveyKind.AR in by_kind:
        dates = ReferenceDates(lu=by_kind[SurveyKind.LU], units=by_kind[SurveyKind.AR])
    else:
        dates = quality_reference_dates(rounds[0].year)
    # The lists change with the register, so the answer is kept (a minute at most) for the
    # extract the register holds: at national scale the lists are the front page's costly part.
    extract = last_extract_imported_at()
    key = (
        f"quality-done:{scope.county.pk}:{dates.lu.isoformat()}:{dates.units.isoformat()}:"
        f"{extract.timestamp() if extract else 0}"
    )
    done = cache.get(key)
    if done is None:
        # One query: each list an EXISTS of its own.
        lists = quality_categories(scope.county, dates)
        found = County.objects.filter(pk=scope.county.pk).annotate(
            **{f"list_{n}": Exists(category.rows.order_by()) for n, category in enumerate(lists)}
        )
        row = found.values(*(f"list_{n}" for n in range(len(lists)))).first() or {}
        done = not any(row.values())
        cache.set(key, done, QUALITY_DONE_SECONDS)
    return done


def office_report_done(scope: Scope, rounds: Sequence[Round]) -> bool | None:
    """The office's own ÅR is done when the office has answered it."""
    ar = next((r for r in rounds if r.kind == SurveyKind.AR), None)
    if scope.role != Role.OFFICE or ar is None:
        return None
    return Respondent.objects.filter(
        round=ar,
        role=RespondentRole.OFFICE,
        training_office=scope.office,
        answered_at__isnull=False,
    ).exists()
