"""What to do now: the steps of the survey year (R-C1..R-C5, R-D5..R-D12) for one organisation,
each with its date, the days left and a link to the page where it is done.

Links to other apps' pages are found through the navigation registry (portal.front.panels.nav_url)
by key, so the calendar names the page without importing the app: "quality" (the register's
quality report), "dispatch" (sending and reminders), "results" (published results),
"office_board" (the county's board of its training offices), "response_rates" and
"office_annual_report" (this app's)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.accounts.access import Scope
from portal.front.panels import nav_url, step_done
from portal.lib.oslo import OSLO, oslo_today
from portal.models import Role
from surveys.models import Round, RoundCounty, SurveyKind
from surveys.rate_tables import newest_rounds

# R-D6: reminders about a week apart; the first one a week after the invitations.
FIRST_REMINDER_AFTER = timedelta(days=7)
# R-P5: targets are set before the round opens; the front page asks for them this long before.
TARGETS_ASKED_BEFORE = timedelta(days=42)


@dataclass(frozen=True)
class Step:
    key: str
    title: str | Promise
    starts: date  # the day the step can be done from (or its deadline, for a deadline)
    ends: date | None  # the last day, for a step that lasts
    url: str | None
    deadline: datetime | None = None  # a moment, when the step has a deadline (R-C2)
    done: bool | None = None  # from the data (portal.front.panels.step_done); None: the calendar

    def state(self, today: date) -> str:
        """ "done", "open" (its time has come and it is not done), or "later". Done from the data
        where an app can tell; otherwise once its time has passed."""
        if self.done is True:
            return "done"
        if self.done is None and today > (self.ends or self.starts):
            return "done"
        return "open" if today >= self.starts else "later"

    def days_left(self, today: date) -> int:
        """Days until the step starts (later), or until its last day (now)."""
        if today < self.starts:
            return (self.starts - today).days
        return ((self.ends or self.starts) - today).days


def _local(moment: datetime) -> date:
    return moment.astimezone(OSLO).date()


def _preparation_steps(scope: Scope, lu: Round, opens: date) -> list[Step]:
    """Before the round opens: the county's quality report (R-C1, R-C2) and the targets (R-P5)."""
    steps: list[Step] = []
    if scope.role == Role.COUNTY:
        steps.append(
            Step(
                "quality",
                _("Check the quality report and correct VIGO, NLR and NOR"),
                lu.qa_starts_on,
                _local(lu.correction_deadline),
                nav_url(scope, "quality"),
                deadline=lu.correction_deadline,
            )
        )
    if scope.role in (Role.COUNTY, Role.OFFICE):
        steps.append(
            Step(
                "targets",
                _("Set this year's targets before the round opens"),
                opens - TARGETS_ASKED_BEFORE,
                opens - timedelta(days=1),
                nav_url(scope, "reporting-targets"),
            )
        )
    return steps


def _office_board_step(scope: Scope, opens: date, last_day: date) -> list[Step]:
    """The county's board of its training offices, when an app offers it."""
    url = nav_url(scope, "office_board") if scope.role == Role.COUNTY else None
    if url is None:
        return []
    title = _("Follow up the training offices: users, dispatches and answers")
    return [Step("office_board", title, opens, last_day, url)]


def calendar_steps(scope: Scope, rounds: dict[str, Round]) -> list[Step]:
    """The year's steps for the organisation, in date order. `rounds` by kind."""
    lu = rounds.get(SurveyKind.LU) or next(iter(rounds.values()))
    opens = _local(lu.opens_at)
    last_day = lu.last_answer_day
    dispatch = nav_url(scope, "dispatch")
    steps: list[Step] = _preparation_steps(scope, lu, opens)
    if scope.role == Role.NATIONAL:
        steps.append(
            Step(
                "register_import",
                _("Import the register extract of the reference date"),
                lu.reference_date,
                None,
                nav_url(scope, "register_import"),
            )
        )
    else:
        steps.append(Step("invite", _("Send the invitations"), opens, last_day, dispatch))
        steps.append(
            Step(
                "remind",
                _("Remind those who have not answered, about a week apart"),
                opens + FIRST_REMINDER_AFTER,
                last_day,
                nav_url(scope, "response_rates") if dispatch is None else dispatch,
            )
        )
    if scope.role == Role.OFFICE:
        steps.append(
            Step(
                "office_report",
                _("Answer the office's own Årlig rapportering"),
                opens,
                last_day,
                nav_url(scope, "office_annual_report"),
            )
        )
    lbu = rounds.get(SurveyKind.LBU)
    if scope.role == Role.COUNTY and lbu is not None and lbu.separate_lbu_from is not None:
        steps.append(
            Step(
                "lbu_separately",
                _("Send LBU on its own to companies that have not answered it"),
                lbu.separate_lbu_from,
                lbu.last_answer_day,
                dispatch,
            )
        )
    steps.append(
        Step(
            "follow",
            _("Follow the response rates"),
            opens,
            last_day,
            nav_url(scope, "response_rates") or nav_url(scope, "rounds"),
        )
    )
    # After following the rates: the same season, the offices one by one.
    steps.extend(_office_board_step(scope, opens, last_day))
    steps.append(
        Step(
            "results",
            _("Read the results when they are published"),
            last_day + timedelta(days=1),
            None,
            nav_url(scope, "results"),
        )
    )
    checked = [
        replace(step, done=step_done(step.key, scope, list(rounds.values()))) for step in steps
    ]
    # Stable: steps of the same day keep the order above (sending before following).
    return sorted(checked, key=lambda s: s.starts)


@dataclass(frozen=True)
class CalendarRow:
    step: Step
    state: str
    days_left: int


def calendar_panel_context(
    scope: Scope, today: date | None = None, newest: list[Round] | None = None
) -> dict | None:
    """The panel's rows, the current step first among those of now; None without rounds.
    `newest`: the newest year's rounds when the caller has read them already."""
    rounds = {r.kind: r for r in (newest if newest is not None else newest_rounds())}
    if not rounds:
        return None
    year = next(iter(rounds.values())).year
    if scope.role == Role.COUNTY and SurveyKind.LBU in rounds:
        opted_out = RoundCounty.objects.filter(
            round=rounds[SurveyKind.LBU], county=scope.county, participates=False
        ).exists()
        if opted_out:
            rounds.pop(SurveyKind.LBU)
    today = today or oslo_today()
    rows = [
        CalendarRow(step, step.state(today), step.days_left(today))
        for step in calendar_steps(scope, rounds)
    ]
    return {"year": year, "rows": _next_marked(rows), "today": today}


def _next_marked(rows: list[CalendarRow]) -> list[CalendarRow]:
    """ "Now" on the step that is really next: the first open one, in date order; the other open
    steps stay "open" (not done, but not the one to do first)."""
    marked, found = [], False
    for row in rows:
        if row.state == "open" and row.days_left >= 0 and not found:
            row = replace(row, state="now")
            found = True
        marked.append(row)
    return marked
