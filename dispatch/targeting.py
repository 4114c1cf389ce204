"""A reminder limited to some groups of the sender's audience: chosen training offices, chosen
trades, or the groups (offices or trades) whose response rate is below a rate the sender picks.

Targeting is by group only: within the groups the reminder still goes to those who have not
answered, as every reminder does, and nothing tells whether a given person answered (R-L7).
The rates are the response-rate pages' own (surveys.rate_tables), hidden as they hide them: a
group whose rate is hidden there is in doubt, and is included in a "below" reminder without its
rate being shown; so is a group the pages do not show apart (those too small to be kept apart,
whose respondents count in a merged row). A county chooses among the offices and trades of its
audience; a training office among the trades of its own (it has no other office to choose)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from dispatch.audience import Sender, audience
from dispatch.models import Purpose
from surveys.models import Round
from surveys.rate_disclosure import unit_of
from surveys.rate_tables import GROUPINGS, is_protected, rate_rows

OFFICES, TRADES, BELOW = "offices", "trades", "below"
GROUPINGS_OF_BELOW = ("office", "trade")

# What the plan reads of each respondent to place it in a group.
FIELDS = (
    "county_id",
    "training_office_id",
    "company_id",
    "trade_id",
    "apprentice_kind",
    "report_class_id",
    "report_class__county_id",
    "report_class__training_office_id",
    "report_class__company_id",
    "report_class__trade_id",
    "report_class__apprentice_kind",
)


@dataclass(frozen=True)
class Targeting:
    by: str  # OFFICES, TRADES or BELOW
    offices: tuple[int, ...] = ()
    trades: tuple[int, ...] = ()
    grouping: str = ""  # BELOW: "office" or "trade"
    below: int = 0  # BELOW: the rate in per cent


def group_choices(round_: Round, sender: Sender) -> dict[str, list[tuple[int, str]]]:
    """The offices and trades of the sender's audience, by name (an office has no offices to
    choose)."""
    people = audience(round_, sender).order_by()
    trades = people.filter(trade__isnull=False).values_list("trade_id", "trade__name").distinct()
    choices = {"trades": sorted(set(trades), key=lambda c: c[1].casefold())}
    if sender.is_county:
        offices = (
            people.filter(training_office__isnull=False)
            .values_list("training_office_id", "training_office__name")
            .distinct()
        )
        choices["offices"] = sorted(set(offices), key=lambda c: c[1].casefold())
    else:
        choices["offices"] = []
    return choices


def targeting_errors(
    round_: Round, sender: Sender, purpose: str, targeting: Targeting
) -> list[str]:
    """Targeting is for reminders, among the sender's own groups."""
    errors = []
    if purpose != Purpose.REMINDER:
        errors.append(_("Only a reminder can be limited to some groups."))
    choices = group_choices(round_, sender)
    if targeting.by == OFFICES:
        if not sender.is_county:
            errors.append(_("A training office cannot limit a dispatch to training offices."))
        elif not targeting.offices:
            errors.append(_("Choose at least one training office."))
        elif set(targeting.offices) - {pk for pk, _name in choices["offices"]}:
            errors.append(_("Choose among the training offices of your sample."))
    elif targeting.by == TRADES:
        if not targeting.trades:
            errors.append(_("Choose at least one trade."))
        elif set(targeting.trades) - {pk for pk, _name in choices["trades"]}:
            errors.append(_("Choose among the trades of your sample."))
    if targeting.by in (OFFICES, TRADES) and not errors:
        errors += _hidden_chosen(round_, sender, targeting)
    if targeting.by == BELOW:
        if targeting.grouping not in GROUPINGS_OF_BELOW or (
            targeting.grouping == "office" and not sender.is_county
        ):
            errors.append(_("Choose training offices or trades."))
        if not 1 <= targeting.below <= 100:
            errors.append(_("Give a response rate from 1 to 100 per cent."))
    elif targeting.by not in (OFFICES, TRADES):
        errors.append(_("Choose whom to limit the reminder to."))
    return errors


def _hidden_chosen(round_: Round, sender: Sender, targeting: Targeting) -> list[str]:
    """A group whose response rate the rate pages hide cannot be chosen by name: the number of
    reminders it gets, beside its sample, would tell how many in it have answered. Such groups
    are reached together, by "below a response rate" (they are in doubt) or by all."""
    if not is_protected(round_.kind):
        return []
    grouping = "office" if targeting.by == OFFICES else "trade"
    rows = rate_rows(round_, by=grouping, county=sender.county, office=sender.office)
    shown = {row.key for row in rows if not row.hidden}
    chosen = set(targeting.offices if targeting.by == OFFICES else targeting.trades)
    if chosen <= shown:
        return []
    if targeting.by == OFFICES:
        return [
            _(
                "A training office whose response rate is hidden (fewer than %(k)s answers, or "
                "hidden to protect another) cannot be chosen by name. Choose “below a response "
                "rate”, which includes every group whose rate is hidden, or send to all."
            )
            % {"k": settings.REPORTING_THRESHOLD}
        ]
    return [
        _(
            "A trade whose response rate is hidden (fewer than %(k)s answers, or hidden to "
            "protect another) cannot be chosen by name. Choose “below a response rate”, which "
            "includes every group whose rate is hidden, or send to all."
        )
        % {"k": settings.REPORTING_THRESHOLD}
    ]


@dataclass
class GroupMatch:
    """Whether a respondent (a row with FIELDS) is in the chosen groups, and what is kept on
    the dispatch: the groups by name, those in doubt apart."""

    targeting: Targeting
    groups: list[str] = field(default_factory=list)
    in_doubt: list[str] = field(default_factory=list)
    _ids: frozenset = frozenset()
    _shown: frozenset = frozenset()  # BELOW: every group the rate pages show a row for
    _unit_type: str = ""
    _protected: bool = True

    def __call__(self, row: Any) -> bool:
        t = self.targeting
        if t.by == OFFICES:
            return row.training_office_id in self._ids
        if t.by == TRADES:
            return row.trade_id in self._ids
        key = self._group_of(row)
        return key in self._ids or key not in self._shown

    def _group_of(self, row: Any) -> int | None:
        if not self._protected:
            dims = (row.county_id, row.training_office_id, row.company_id, row.trade_id)
            key: tuple = (*dims, row.apprentice_kind)
        elif row.report_class_id is None:
            key = (row.county_id, None, None, None, "")
        else:
            key = (
                row.report_class__county_id,
                row.report_class__training_office_id,
                row.report_class__company_id,
                row.report_class__trade_id,
                row.report_class__apprentice_kind,
            )
        unit = unit_of(self._unit_type, key)
        return unit[1][-1] if unit is not None else None

    def snapshot(self) -> dict[str, Any]:
        t = self.targeting
        kept: dict[str, Any] = {"by": t.by, "groups": self.groups}
        if t.by == BELOW:
            kept |= {"grouping": t.grouping, "below": t.below, "in_doubt": self.in_doubt}
        return kept


def group_match(round_: Round, sender: Sender, targeting: Targeting) -> GroupMatch:
    match = GroupMatch(targeting)
    choices = group_choices(round_, sender)
    if targeting.by in (OFFICES, TRADES):
        chosen = set(targeting.offices if targeting.by == OFFICES else targeting.trades)
        names = dict(choices[targeting.by])
        match._ids = frozenset(chosen)
        match.groups = sorted((names[pk] for pk in chosen if pk in names), key=str.casefold)
        return match
    rows = rate_rows(round_, by=targeting.grouping, county=sender.county, office=sender.office)
    _model, county_type, office_type = GROUPINGS[targeting.grouping]
    match._unit_type = county_type if sender.is_county else office_type
    match._protected = is_protected(round_.kind)
    match._shown = frozenset(row.key for row in rows)
    chosen_rows = [r for r in rows if r.hidden or (r.rate is not None and r.rate < targeting.below)]
    match._ids = frozenset(r.key for r in chosen_rows)
    match.groups = sorted((r.label for r in chosen_rows if not r.hidden), key=str.casefold)
    match.in_doubt = sorted((r.label for r in chosen_rows if r.hidden), key=str.casefold)
    return match


def targeting_description(kept: dict[str, Any]) -> str:
    """Whom a dispatch was limited to, in a sentence (from what it kept)."""
    if not kept:
        return ""
    groups = ", ".join(kept.get("groups", [])) or "–"
    if kept["by"] == OFFICES:
        return _("Limited to the training offices %(groups)s.") % {"groups": groups}
    if kept["by"] == TRADES:
        return _("Limited to the trades %(groups)s.") % {"groups": groups}
    if kept.get("grouping") == "office":
        text = _("Limited to training offices with a response rate below %(rate)s %%: %(groups)s.")
    else:
        text = _("Limited to trades with a response rate below %(rate)s %%: %(groups)s.")
    text %= {"rate": kept.get("below"), "groups": groups}
    if kept.get("in_doubt"):
        text += " " + _(
            "Also the groups whose response rate is hidden, since they may be below it: %(groups)s."
        ) % {"groups": ", ".join(kept["in_doubt"])}
    return text
