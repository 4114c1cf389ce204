"""The county's office board: one row per training office located in the county, for the
newest survey year, with what the county follows up in the autumn.

- users: how many hold access to the office (none: the office is offered the activation, R-A3);
- the LU and ÅR dispatches that reached the office's respondents, by anyone (a county's
  invitation reaches an office's apprentices too, R-D3), as the dispatch panel counts them;
- the office's LU response rate as the county's response-rate page shows it by training office
  (surveys.rate_tables.rate_rows, hidden by surveys.rate_disclosure, never a rule of its own);
- the ÅR of the office itself (answered or not) and of its member companies (answered of
  total); ÅR is identified (R-L3) and shown in full, so viewing the board is logged.

A bounded number of queries whatever the number of offices: the offices with their users, the
dispatch counts, the LU classes and the ÅR respondents are each read once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dispatch.models import DispatchState, Message
from dispatch.panels import REACHED
from portal.lib.oslo import oslo_today
from portal.models import County, Membership, TrainingOffice
from surveys.models import Respondent, RespondentRole, Round, SurveyKind
from surveys.rate_tables import RateRow, hidden_reason, is_final, newest_rounds, rate_rows

# The board's columns that sort, by their URL word (Norwegian, like the paths).
SORT_SLUGS = {
    "navn": "name",
    "brukere": "users",
    "lu-utsendelser": "lu_dispatches",
    "ar-utsendelser": "ar_dispatches",
    "lu-svarprosent": "lu_rate",
    "ar-kontoret": "ar_office",
    "ar-medlemmer": "ar_members",
}


@dataclass
class OfficeRow:
    office: TrainingOffice
    users: int = 0
    lu_dispatches: int = 0
    ar_dispatches: int = 0
    lu: RateRow | None = None  # None: none of the office's apprentices is in the LU sample
    ar_office: bool | None = None  # answered its own ÅR; None: the office is not in the sample
    ar_members: int = 0
    ar_members_answered: int = 0

    @property
    def name(self) -> str:
        return self.office.name

    @property
    def lu_rate(self) -> float | None:
        return self.lu.rate if self.lu is not None else None

    @property
    def lu_hidden(self) -> bool:
        return self.lu is not None and self.lu.hidden

    @property
    def ar_members_rate(self) -> float | None:
        if not self.ar_members:
            return None
        return 100 * self.ar_members_answered / self.ar_members


@dataclass
class Board:
    county: County
    lu_round: Round | None
    ar_round: Round | None
    rows: list[OfficeRow] = field(default_factory=list)
    final: bool = False  # LU's figures are the ones the results publish

    @property
    def year(self) -> int | None:
        round_ = self.lu_round or self.ar_round
        return round_.year if round_ is not None else None

    @property
    def without_users(self) -> list[OfficeRow]:
        return [row for row in self.rows if not row.users]


def _offices(county: County) -> list[TrainingOffice]:
    """The offices located in the county and still in the register, each with `user_count`."""
    users = (
        Membership.objects.filter(training_office=OuterRef("pk"))
        .order_by()
        .values("training_office")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        TrainingOffice.objects.filter(county=county, in_register=True)
        .annotate(user_count=Coalesce(Subquery(users, output_field=IntegerField()), 0))
        .order_by("name", "pk")
    )


def _dispatches(county: County, rounds: list[Round]) -> dict[tuple[int, str], int]:
    """(office id, survey kind) → dispatches by anyone that reached at least one of the office's
    respondents (apprentices, member companies, itself); one query."""
    if not rounds:
        return {}
    rows = (
        Message.objects.filter(
            respondent__training_office__county=county,
            dispatch__round__in=rounds,
            state__in=REACHED,
        )
        .exclude(dispatch__state=DispatchState.CANCELLED)
        .values_list("respondent__training_office_id", "dispatch__round__kind")
        .annotate(n=Count("dispatch_id", distinct=True))
        .order_by()
    )
    return {(office_id, kind): n for office_id, kind, n in rows}


def _annual_reports(county: County, ar: Round | None) -> dict[tuple[int, bool], tuple[int, int]]:
    """(office id, is the office itself) → (units, answered) in the ÅR round; one query."""
    if ar is None:
        return {}
    rows = (
        Respondent.objects.filter(round=ar, training_office__county=county)
        .values_list("training_office_id", "role")
        .annotate(n=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        .order_by()
    )
    found: dict[tuple[int, bool], tuple[int, int]] = {}
    for office_id, role, n, answered in rows:
        key = (office_id, role == RespondentRole.OFFICE)
        total, done = found.get(key, (0, 0))
        found[key] = (total + n, done + answered)
    return found


def office_board(county: County, *, today: date | None = None) -> Board:
    """The board of the county's offices in the newest survey year."""
    today = today or oslo_today()
    rounds = {r.kind: r for r in newest_rounds()}
    lu, ar = rounds.get(SurveyKind.LU), rounds.get(SurveyKind.AR)
    board = Board(county, lu, ar, final=lu is not None and is_final(lu, today))
    offices = _offices(county)
    if not offices:
        return board
    sent = _dispatches(county, [r for r in (lu, ar) if r is not None])
    lu_rows: dict[int | None, RateRow] = {}
    if lu is not None:
        lu_rows = {r.key: r for r in rate_rows(lu, by="office", county=county, today=today)}
    reports = _annual_reports(county, ar)
    for office in offices:
        own = reports.get((office.pk, True))
        members, members_answered = reports.get((office.pk, False), (0, 0))
        board.rows.append(
            OfficeRow(
                office=office,
                users=office.user_count,  # type: ignore[attr-defined]  # annotated in _offices
                lu_dispatches=sent.get((office.pk, SurveyKind.LU), 0),
                ar_dispatches=sent.get((office.pk, SurveyKind.AR), 0),
                lu=lu_rows.get(office.pk),
                ar_office=None if own is None else own[1] > 0,
                ar_members=members,
                ar_members_answered=members_answered,
            )
        )
    return board


# --- Sorting and the download ----------------------------------------------------------------

_VALUES: dict[str, Callable[[OfficeRow], Any]] = {
    "users": lambda r: r.users,
    "lu_dispatches": lambda r: r.lu_dispatches,
    "ar_dispatches": lambda r: r.ar_dispatches,
    "lu_rate": lambda r: r.lu_rate,
    "ar_office": lambda r: None if r.ar_office is None else int(r.ar_office),
    "ar_members": lambda r: r.ar_members_rate,
}


def rows_sorted(rows: list[OfficeRow], sort: str, descending: bool) -> list[OfficeRow]:
    """Sorted by name or a column; a row without the figure (hidden, or none) always last, by
    name, as the response-rate pages sort hidden rows."""

    def name(r: OfficeRow) -> tuple[str, str]:
        return (r.name.casefold(), r.office.orgnr)

    if sort not in _VALUES:
        return sorted(rows, key=name, reverse=descending)
    value = _VALUES[sort]
    shown = [r for r in rows if value(r) is not None]
    without = sorted((r for r in rows if value(r) is None), key=name)
    return sorted(shown, key=lambda r: (value(r), name(r)), reverse=descending) + without


def _yes_no(value: bool | None) -> str:
    if value is None:
        return _("Not in the sample")
    return _("Answered") if value else _("Not answered")


def board_table(board: Board, rows: list[OfficeRow]) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of the download: a hidden LU count is "*" with why, as the
    response-rate downloads have it."""
    headers = [
        _("Training office"),
        _("Organisation number"),
        _("Users"),
        _("LU dispatches"),
        _("ÅR dispatches"),
        _("LU invited"),
        _("LU answered"),
        _("LU response rate (%)"),
        _("Why hidden"),
        _("ÅR of the office"),
        _("ÅR member companies answered"),
        _("ÅR member companies"),
    ]
    table: list[list[Any]] = []
    for row in rows:
        lu = row.lu
        table.append(
            [
                row.name,
                row.office.orgnr,
                row.users,
                row.lu_dispatches,
                row.ar_dispatches,
                lu.sampled if lu is not None else 0,
                "" if lu is None else ("*" if lu.answered is None else lu.answered),
                "" if lu is None else ("*" if lu.rate is None else round(lu.rate, 1)),
                hidden_reason(lu.reason) if lu is not None else "",
                _yes_no(row.ar_office),
                row.ar_members_answered,
                row.ar_members,
            ]
        )
    return headers, table
