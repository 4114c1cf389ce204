"""What a dispatch would do, before it is sent: who gets it by which channel, who is left out
and why, the texts and the SMS length. The preview shows a plan; `dispatch_create` makes a
fresh plan inside its transaction and writes exactly its recipients.

Rules applied (docs/domain.md): who may be reached (dispatch.audience, R-D1..R-D4, R-D9..R-D11);
nobody who has answered (R-D7, R-D10, R-D11); at most 3 reminders per recipient and survey,
counted across county and office (R-D6, R-D3), and none less than 7 days from that
recipient's other messages unless the sender overrides it; the survey window (R-C4) and LBU on
its own only from `separate_lbu_from` (R-C5, R-D12); SMS quotas (R-D8); SMS opt-outs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dispatch.audience import Sender, audience
from dispatch.models import Channel, Message, MessageState, Purpose, SmsOptOut
from dispatch.rendering import Texts, Variant, first_name_of, sms_text, texts
from dispatch.services.quotas import quota_left, quota_limit
from dispatch.sms import SmsLength, first_non_gsm, sms_length
from portal.client import language_codes, site_url
from portal.oslo import oslo_datetime, oslo_now, oslo_today
from surveys.models import RespondentRole, Round, SurveyKind
from surveys.selectors import kind_slug
from surveys.services.links import link_path, token_new

MAX_REMINDERS = 3  # R-D6
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

    LABELS = {
        ANSWERED: gettext_lazy("Already answered"),
        INVITED: gettext_lazy("Already invited (send them a reminder instead)"),
        CAP: gettext_lazy("Reminder cap reached (3 reminders)"),
        SPACING: gettext_lazy("Got a message less than 7 days from this one"),
        AR_SAME_DAY: gettext_lazy("Get an ÅR reminder the same day (left out at your choice)"),
        NO_ADDRESS: gettext_lazy("No valid address for the chosen channels"),
        OPTED_OUT: gettext_lazy("Opted out of SMS"),
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
    leave_out_ar_same_day: bool = False
    # Gathering mode (R-D13): the apprentices the office picked.
    respondent_ids: frozenset[int] | None = None

    @property
    def channels(self) -> list[str]:
        return [c for c, on in ((Channel.EMAIL, self.by_email), (Channel.SMS, self.by_sms)) if on]


@dataclass(frozen=True)
class Recipient:
    respondent_id: int
    channels: tuple[str, ...]
    language: str


@dataclass
class Sample:
    language: str
    count: int
    texts: Texts


@dataclass
class SmsSummary:
    segments_max: int = 0
    segments_total: int = 0
    gsm_messages: int = 0
    ucs2_messages: int = 0
    ucs2_character: str = ""  # the first character found that forces UCS-2
    ucs2_in_template: bool = False


@dataclass
class Plan:
    request: DispatchRequest
    send_at: datetime
    errors: list[str] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    left_out: Counter = field(default_factory=Counter)
    by_email: int = 0
    by_sms: int = 0
    email_only_opted_out: int = 0  # get e-mail, not SMS, because they opted out of SMS
    ar_same_day: int = 0  # R-D11: would get an ÅR reminder the same day
    samples: list[Sample] = field(default_factory=list)
    sms: SmsSummary | None = None
    sms_left: int = 0
    sms_limit: int = 0
    people: int = 0  # everyone the request named, before anyone was left out

    @property
    def left_out_rows(self) -> list[tuple[str, str, int]]:
        return [
            (reason, str(LeftOut.LABELS[reason]), self.left_out[reason])
            for reason in LeftOut.LABELS
            if self.left_out[reason]
        ]

    @property
    def left_out_total(self) -> int:
        return sum(self.left_out.values())


def sender_label(sender: Sender, language: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return sender.name


def variant_for(
    round_: Round, sender: Sender, purpose: str, language: str, *, name: str, continues: bool
) -> Variant:
    return Variant(
        survey=kind_slug(round_.kind),
        purpose=purpose,
        language=language,
        sender=sender_label(sender, language),
        last_day=round_.last_answer_day,
        has_name=bool(name),
        continues_to_lbu=continues,
    )


class Variants:
    """variant_for with the round, sender and purpose of one dispatch fixed: each shape
    (language, named or not, continuing to LBU or not) is made once."""

    def __init__(self, round_: Round, sender: Sender, purpose: str) -> None:
        self.round, self.sender, self.purpose = round_, sender, purpose
        self._made: dict[tuple[str, bool, bool], Variant] = {}

    def __call__(self, language: str, *, name: str, continues: bool) -> Variant:
        key = (language, bool(name), continues)
        variant = self._made.get(key)
        if variant is None:
            variant = self._made[key] = variant_for(
                self.round, self.sender, self.purpose, language, name=name, continues=continues
            )
        return variant


def example_link() -> str:
    """A link of the real length with a random code that leads nowhere: the preview shows
    the texts as sent, but links are only issued when a message is sent."""
    return site_url(link_path(token_new()))


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


# --- The plan -------------------------------------------------------------------------------


def _history(round_: Round, respondent_ids, send_at: datetime) -> dict[int, tuple]:
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


def _ar_reminded_companies(round_: Round, send_at: datetime) -> set[int]:
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


def dispatch_plan(request: DispatchRequest, *, now: datetime | None = None) -> Plan:
    now = now or timezone.now()
    send_at = request.send_at or now
    round_, sender = request.round, request.sender
    plan = Plan(request=request, send_at=send_at)
    plan.errors = request_errors(request, send_at, now)
    plan.sms_limit = quota_limit(round_, sender)
    plan.sms_left = quota_left(round_, sender)

    people = audience(round_, sender)
    if request.respondent_ids is not None:
        people = people.filter(pk__in=request.respondent_ids)
    rows = list(
        people.values_list(
            "pk",
            "name",
            "email_valid",
            "mobile",
            "mobile_valid",
            "answered_at",
            "language",
            "company_id",
            "company__name",
            "training_office__name",
            "role",
            "continues_to_id",
        ).order_by("pk")
    )
    plan.people = len(rows)
    ids = people.values("pk")
    is_reminder = request.purpose == Purpose.REMINDER
    history = _history(round_, ids, send_at) if request.purpose != Purpose.GATHERING else {}
    opted_out = (
        set(
            SmsOptOut.objects.filter(mobile__in=people.values("mobile")).values_list(
                "mobile", flat=True
            )
        )
        if request.by_sms
        else set()
    )
    ar_companies = (
        _ar_reminded_companies(round_, send_at)
        if is_reminder and round_.kind == SurveyKind.LBU
        else set()
    )

    languages: Counter = Counter()
    first_of_language: dict[str, tuple] = {}
    sms_people: list[tuple] = []
    for row in rows:
        pk, _n, email_valid, mobile, mobile_valid, answered_at, own_language, company_id = row[:8]
        reason = None
        past = history.get(pk)
        if answered_at is not None:
            reason = LeftOut.ANSWERED
        elif request.purpose == Purpose.INVITATION and past and past[1]:
            reason = LeftOut.INVITED
        elif is_reminder and past and past[0] >= MAX_REMINDERS:
            reason = LeftOut.CAP
        elif (
            is_reminder
            and past
            and not request.override_spacing
            and (
                (past[2] is not None and send_at - past[2] < SPACING)
                or (past[3] is not None and past[3] - send_at < SPACING)
            )
        ):
            reason = LeftOut.SPACING
        elif company_id in ar_companies:
            plan.ar_same_day += 1
            if request.leave_out_ar_same_day:
                reason = LeftOut.AR_SAME_DAY
        channels: list[str] = []
        if reason is None:
            if request.by_email and email_valid:
                channels.append(Channel.EMAIL)
            sms_blocked = mobile_valid and mobile in opted_out
            if request.by_sms and mobile_valid and not sms_blocked:
                channels.append(Channel.SMS)
            if not channels:
                reason = LeftOut.OPTED_OUT if request.by_sms and sms_blocked else LeftOut.NO_ADDRESS
            elif request.by_sms and sms_blocked:
                plan.email_only_opted_out += 1
        if reason is not None:
            plan.left_out[reason] += 1
            continue
        language = own_language if own_language in language_codes() else request.language
        plan.recipients.append(Recipient(pk, tuple(channels), language))
        languages[language] += 1
        first_of_language.setdefault(language, row)
        plan.by_email += Channel.EMAIL in channels
        if Channel.SMS in channels:
            plan.by_sms += 1
            sms_people.append((language, row))

    link = example_link()
    variants = Variants(request.round, request.sender, request.purpose)
    for language, count in sorted(languages.items(), key=lambda item: -item[1]):
        row = first_of_language[language]
        variant, first_name, unit = _variant_of(variants, language, row)
        if request.round.kind != SurveyKind.AR:
            # The first LU or LBU recipient is someone who has not answered: the preview names
            # nobody (ÅR is identified, R-L3, and may show its unit).
            first_name, unit = _("(first name)"), _("(company)")
        plan.samples.append(
            Sample(language, count, texts(variant, first_name=first_name, link=link, unit=unit))
        )
    if request.by_sms:
        plan.sms = _sms_summary(variants, sms_people, link)
    return plan


def _variant_of(variants: Variants, language: str, row: tuple) -> tuple[Variant, str, str]:
    name, company_name, office_name, role, continues_to = (
        row[1],
        row[8],
        row[9],
        row[10],
        row[11],
    )
    first_name = first_name_of(name)
    unit = (office_name if role == RespondentRole.OFFICE else company_name) or ""
    continues = variants.round.kind == SurveyKind.AR and continues_to is not None
    return variants(language, name=first_name, continues=continues), first_name, unit


def _sms_summary(variants: Variants, people: list[tuple], link: str) -> SmsSummary:
    """Segments of every SMS: the text differs only in the recipient's name and unit, so each
    shape (variant, length and alphabet of those values) is measured once."""
    summary = SmsSummary()
    measured: dict[tuple, SmsLength] = {}
    for language, row in people:
        variant, first_name, unit = _variant_of(variants, language, row)
        values = first_name + unit
        key = (variant, len(values), bool(first_non_gsm(values)))
        length = measured.get(key)
        if length is None:
            text = sms_text(variant, first_name=first_name, link=link, unit=unit)
            length = measured[key] = sms_length(text)
            if length.first_non_gsm and not summary.ucs2_character:
                summary.ucs2_character = length.first_non_gsm
                summary.ucs2_in_template = length.first_non_gsm not in values
        summary.segments_max = max(summary.segments_max, length.segments)
        summary.segments_total += length.segments
        if length.encoding == "GSM-7":
            summary.gsm_messages += 1
        else:
            summary.ucs2_messages += 1
    return summary
