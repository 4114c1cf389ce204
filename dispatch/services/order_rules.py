"""The rules of a dispatch order, applied to each respondent before anything is sent
(docs/domain.md): who may be reached (dispatch.audience, R-D1..R-D4, R-D9..R-D11); nobody who
has answered (R-D7, R-D10, R-D11); about 3 reminders per recipient and survey, counted across
county and office (R-D6, R-D3): a rule of thumb, so a 4th or later goes only when the sender
chooses it explicitly (counted on the plan, and in the audit log); and none less than 7 days
from that recipient's other messages unless the sender overrides it; the survey window (R-C4)
and LBU on its own only from `separate_lbu_from` (R-C5, R-D12); SMS quotas (R-D8); SMS
opt-outs. Also the text variant each message of an order gets. The preview
(dispatch.services.preview) applies them to everyone."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dispatch.audience import Sender
from dispatch.models import Channel, Message, MessageState, Purpose
from dispatch.own_words import OwnText, own_text
from dispatch.rendering import Variant
from dispatch.services.quotas import quota_left, quota_limit
from dispatch.targeting import Targeting
from portal.lib.oslo import oslo_datetime, oslo_now, oslo_today
from surveys.models import RespondentRole, Round, SurveyKind
from surveys.selectors import kind_slug

MAX_REMINDERS = 3  # R-D6: a rule of thumb, passed only by the sender's explicit choice
SPACING = timedelta(days=7)  # R-D6
# Messages that did not reach anyone count neither against the cap nor the spacing.
NOT_REACHED = (MessageState.SKIPPED, MessageState.CANCELLED, MessageState.FAILED)


class LeftOut:
    ANSWERED = "answered"
    INVITED = "invited"
    CAP = "cap"
    SPACING = "spacing"
    AR_SAME_DAY = "ar_same_day"
    NO_ADDRESS = "no_address"
    OPTED_OUT = "opted_out"
    # A reminder limited to some groups: those outside them and those in them who have
    # answered count together, so the preview tells no group's answered count (R-L7).
    NOT_TARGETED = "not_targeted"

    LABELS = {
        ANSWERED: gettext_lazy("Already answered"),
        INVITED: gettext_lazy("Already invited (send them a reminder instead)"),
        CAP: gettext_lazy(
            "Have had 3 reminders, the rule of thumb (tick the box to send them one more)"
        ),
        SPACING: gettext_lazy("Got a message less than 7 days from this one"),
        AR_SAME_DAY: gettext_lazy("Get an ÅR reminder the same day (left out at your choice)"),
        NO_ADDRESS: gettext_lazy("No valid address for the chosen channels"),
        OPTED_OUT: gettext_lazy("Opted out of SMS"),
        NOT_TARGETED: gettext_lazy("Outside the chosen groups, or already answered"),
    }


@dataclass(frozen=True)
class DispatchRequest:
    round: Round
    sender: Sender
    purpose: str
    by_email: bool
    by_sms: bool
    language: str = "nb"
    send_at: datetime | None = None  # None: now
    override_spacing: bool = False
    # R-D6: also remind those who have had MAX_REMINDERS reminders (the sender's own choice).
    beyond_rule_of_thumb: bool = False
    leave_out_ar_same_day: bool = False
    # Gathering mode (R-D13): the apprentices the office picked.
    respondent_ids: frozenset[int] | None = None
    # The order form's one-time key (dispatch.forms.DispatchForm): None orders without one.
    order_key: uuid.UUID | None = None
    # A reminder limited to some groups (dispatch.targeting); None: everyone.
    targeting: Targeting | None = None

    @property
    def channels(self) -> list[str]:
        return [c for c, on in ((Channel.EMAIL, self.by_email), (Channel.SMS, self.by_sms)) if on]


def sender_label(sender: Sender, language: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return sender.name


def variant_for(
    round_: Round,
    sender: Sender,
    purpose: str,
    language: str,
    *,
    name: str,
    continues: bool,
    own: OwnText | None = None,
) -> Variant:
    return Variant(
        survey=kind_slug(round_.kind),
        purpose=purpose,
        language=language,
        sender=sender_label(sender, language),
        last_day=round_.last_answer_day,
        has_name=bool(name),
        continues_to_lbu=continues,
        own=own,
    )


class Variants:
    """variant_for with the round, sender and purpose of one dispatch fixed: each shape
    (language, named or not, continuing to LBU or not) is made once. `own_words` is the
    dispatch's copy of the sender's own words (dispatch.own_words), by language."""

    def __init__(
        self, round_: Round, sender: Sender, purpose: str, own_words: dict | None = None
    ) -> None:
        self.round, self.sender, self.purpose = round_, sender, purpose
        self.own_words = own_words or {}
        self._made: dict[tuple[str, bool, bool], Variant] = {}

    def __call__(self, language: str, *, name: str, continues: bool) -> Variant:
        key = (language, bool(name), continues)
        variant = self._made.get(key)
        if variant is None:
            variant = self._made[key] = variant_for(
                self.round,
                self.sender,
                self.purpose,
                language,
                name=name,
                continues=continues,
                own=own_text(self.own_words, language),
            )
        return variant


# --- Checks before anything is planned ------------------------------------------------------


def window_errors(round_: Round, send_at: datetime) -> list[str]:
    """R-C4: only while the survey is open; R-C5/R-D12 for LBU on its own."""
    errors = []
    last_day = date_format(round_.last_answer_day, "DATE_FORMAT")
    if not round_.opens_at <= send_at < round_.closes_at:
        errors.append(
            _(
                "Messages can only be sent while the survey is open, from %(opens)s to "
                "%(last)s. Choose a time in that period."
            )
            % {
                "opens": date_format(oslo_now(round_.opens_at), "DATE_FORMAT"),
                "last": last_day,
            }
        )
    if round_.kind == SurveyKind.LBU:
        start = round_.separate_lbu_from
        if start is None or send_at < oslo_datetime(start):
            errors.append(
                _(
                    "Lærebedriftsundersøkelsen can only be sent on its own from %(date)s; "
                    "before that it goes with Årlig rapportering in the same link."
                )
                % {"date": date_format(start, "DATE_FORMAT") if start else "–"}
            )
    return errors


def request_errors(request: DispatchRequest, send_at: datetime, now: datetime) -> list[str]:
    round_, sender = request.round, request.sender
    errors = []
    if not request.channels:
        errors.append(_("Choose e-mail, SMS or both."))
    if not round_.is_frozen:
        errors.append(_("The sample of %(round)s is not frozen yet.") % {"round": round_})
    if send_at < now - timedelta(minutes=5):
        errors.append(_("The time to send has passed. Choose a later time."))
    errors += window_errors(round_, send_at)
    if request.purpose == Purpose.GATHERING and (sender.is_county or round_.kind != SurveyKind.LU):
        errors.append(_("Gathering mode is for training offices sending LU."))
    if request.by_sms:
        if quota_limit(round_, sender) == 0:
            errors.append(_("Only the county sends Lærebedriftsundersøkelsen on its own by SMS."))
        elif quota_left(round_, sender) == 0:
            errors.append(
                _("No SMS dispatches are left for %(round)s. Send by e-mail.") % {"round": round_}
            )
    return errors


# --- Each respondent ----------------------------------------------------------------------


def message_history(round_: Round, respondent_ids, send_at: datetime) -> dict[int, tuple]:
    """Per respondent: reminders reached, invitations reached, the latest message at or
    before `send_at` and the first one after it (sent, or due to be sent)."""
    rows = (
        Message.objects.filter(respondent__in=respondent_ids)
        .exclude(state__in=NOT_REACHED)
        .alias(at=Coalesce("sent_at", "dispatch__send_at"))
        .values("respondent_id")
        .annotate(
            reminders=Count(
                "dispatch_id", filter=Q(dispatch__purpose=Purpose.REMINDER), distinct=True
            ),
            invited=Count("id", filter=Q(dispatch__purpose=Purpose.INVITATION)),
            before=Max("at", filter=Q(at__lte=send_at)),
            after=Min("at", filter=Q(at__gt=send_at)),
        )
        .order_by()
    )
    return {
        r["respondent_id"]: (r["reminders"], r["invited"], r["before"], r["after"]) for r in rows
    }


def ar_reminded_companies(round_: Round, send_at: datetime) -> set[int]:
    """R-D11: companies whose ÅR respondent gets an ÅR reminder on the day of `send_at`."""
    day = oslo_today(send_at)
    start = oslo_datetime(day)
    end = oslo_datetime(day + timedelta(days=1))
    return set(
        Message.objects.filter(
            dispatch__round__year=round_.year,
            dispatch__round__kind=SurveyKind.AR,
            dispatch__purpose=Purpose.REMINDER,
            dispatch__send_at__gte=start,
            dispatch__send_at__lt=end,
            respondent__role=RespondentRole.LEADER,
        )
        .exclude(state__in=NOT_REACHED)
        .values_list("respondent__company_id", flat=True)
        .distinct()
        .order_by()
    )


def beyond_rule_of_thumb(request: DispatchRequest, past: tuple | None) -> bool:
    """This reminder would be the recipient's 4th or later (R-D6)."""
    return request.purpose == Purpose.REMINDER and past is not None and past[0] >= MAX_REMINDERS


def left_out_reason(
    request: DispatchRequest,
    answered_at: datetime | None,
    past: tuple | None,
    ar_reminded: bool,
    send_at: datetime,
) -> tuple[str | None, bool]:
    """Why the order leaves this respondent out (a LeftOut reason, None if it does not), and
    whether they would get an ÅR reminder the same day (R-D11). `past` is their line of
    `message_history`, `ar_reminded` whether their company is in `ar_reminded_companies`."""
    is_reminder = request.purpose == Purpose.REMINDER
    if answered_at is not None:
        return LeftOut.ANSWERED, False
    if request.purpose == Purpose.INVITATION and past and past[1]:
        return LeftOut.INVITED, False
    if is_reminder and past and past[0] >= MAX_REMINDERS and not request.beyond_rule_of_thumb:
        return LeftOut.CAP, False
    if (
        is_reminder
        and past
        and not request.override_spacing
        and (
            (past[2] is not None and send_at - past[2] < SPACING)
            or (past[3] is not None and past[3] - send_at < SPACING)
        )
    ):
        return LeftOut.SPACING, False
    if ar_reminded:
        return (LeftOut.AR_SAME_DAY if request.leave_out_ar_same_day else None), True
    return None, False
