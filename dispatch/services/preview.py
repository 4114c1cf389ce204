"""What a dispatch would do, before it is sent: who gets it by which channel, who is left out
and why (dispatch.services.order_rules), the texts and the SMS length. The preview shows a
plan; `dispatch_create` makes a fresh plan inside its transaction and writes exactly its
recipients."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.audience import audience
from dispatch.models import Channel, Purpose, SmsOptOut
from dispatch.own_words import own_words_snapshot
from dispatch.rendering import Texts, Variant, first_name_of, sms_text, texts
from dispatch.services.order_rules import (
    DispatchRequest,
    LeftOut,
    Variants,
    ar_reminded_companies,
    beyond_rule_of_thumb,
    left_out_reason,
    message_history,
    request_errors,
)
from dispatch.services.quotas import quota_left, quota_limit
from dispatch.sms_segments import SmsLength, shape, sms_length
from dispatch.targeting import FIELDS as GROUP_FIELDS
from dispatch.targeting import GroupMatch, group_match, targeting_errors
from portal.lib.client import language_codes, site_url
from surveys.models import RespondentRole, SurveyKind
from surveys.services.links import link_path, token_new

# What the plan reads of each respondent in the audience.
_FIELDS = (
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
)


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
    beyond_rule_of_thumb: int = 0  # R-D6: recipients this reminder is the 4th or later for
    samples: list[Sample] = field(default_factory=list)
    sms: SmsSummary | None = None
    sms_left: int = 0
    sms_limit: int = 0
    people: int = 0  # everyone the request named, before anyone was left out
    # What the dispatch keeps: whom it was limited to, and the own words it is written with.
    targeting: dict = field(default_factory=dict)
    own_words: dict = field(default_factory=dict)

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


def example_link() -> str:
    """A link of the real length with a random code that leads nowhere: the preview shows
    the texts as sent, but links are only issued when a message is sent."""
    return site_url(link_path(token_new()))


# --- The plan -------------------------------------------------------------------------------


@dataclass
class _Known:
    """What the rules need beyond each respondent's own row, read once for the whole audience."""

    history: dict[int, tuple]
    opted_out: set[str]
    ar_companies: set[int]


def dispatch_plan(request: DispatchRequest, *, now: datetime | None = None) -> Plan:
    now = now or timezone.now()
    send_at = request.send_at or now
    round_, sender = request.round, request.sender
    plan = Plan(request=request, send_at=send_at)
    plan.errors = request_errors(request, send_at, now)
    plan.sms_limit = quota_limit(round_, sender)
    plan.sms_left = quota_left(round_, sender)

    plan.own_words = own_words_snapshot(sender, round_.kind)
    match = None
    if request.targeting is not None:
        errors = targeting_errors(round_, sender, request.purpose, request.targeting)
        plan.errors += errors
        if not errors:
            match = group_match(round_, sender, request.targeting)
            plan.targeting = match.snapshot()

    people = audience(round_, sender)
    if request.respondent_ids is not None:
        people = people.filter(pk__in=request.respondent_ids)
    fields = _FIELDS + GROUP_FIELDS if match is not None else _FIELDS
    rows = list(people.values_list(*fields, named=True).order_by("pk"))
    plan.people = len(rows)
    known = _known(request, people, send_at)

    languages: Counter = Counter()
    first_of_language: dict[str, tuple] = {}
    sms_people: list[tuple] = []
    for row in rows:
        recipient = _recipient(plan, known, row, match)
        if recipient is None:
            continue
        plan.recipients.append(recipient)
        languages[recipient.language] += 1
        first_of_language.setdefault(recipient.language, row)
        plan.by_email += Channel.EMAIL in recipient.channels
        if Channel.SMS in recipient.channels:
            plan.by_sms += 1
            sms_people.append((recipient.language, row))
    _texts_preview(plan, languages, first_of_language, sms_people)
    return plan


def _known(request: DispatchRequest, people: QuerySet, send_at: datetime) -> _Known:
    round_ = request.round
    is_reminder = request.purpose == Purpose.REMINDER
    history = (
        message_history(round_, people.values("pk"), send_at)
        if request.purpose != Purpose.GATHERING
        else {}
    )
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
        ar_reminded_companies(round_, send_at)
        if is_reminder and round_.kind == SurveyKind.LBU
        else set()
    )
    return _Known(history, opted_out, ar_companies)


def _recipient(plan: Plan, known: _Known, row, match: GroupMatch | None) -> Recipient | None:
    """The respondent as a recipient of the order, or None when left out (counted on the plan)."""
    request = plan.request
    if match is not None and not match(row):
        plan.left_out[LeftOut.NOT_TARGETED] += 1
        return None
    reason, ar_same_day = left_out_reason(
        request,
        row.answered_at,
        known.history.get(row.pk),
        row.company_id in known.ar_companies,
        plan.send_at,
    )
    plan.ar_same_day += ar_same_day
    if match is not None and reason == LeftOut.ANSWERED:
        reason = LeftOut.NOT_TARGETED
    channels: list[str] = []
    if reason is None:
        if request.by_email and row.email_valid:
            channels.append(Channel.EMAIL)
        sms_blocked = row.mobile_valid and row.mobile in known.opted_out
        if request.by_sms and row.mobile_valid and not sms_blocked:
            channels.append(Channel.SMS)
        if not channels:
            reason = LeftOut.OPTED_OUT if request.by_sms and sms_blocked else LeftOut.NO_ADDRESS
        elif request.by_sms and sms_blocked:
            plan.email_only_opted_out += 1
    if reason is not None:
        plan.left_out[reason] += 1
        return None
    plan.beyond_rule_of_thumb += beyond_rule_of_thumb(request, known.history.get(row.pk))
    language = row.language if row.language in language_codes() else request.language
    return Recipient(row.pk, tuple(channels), language)


def _texts_preview(
    plan: Plan, languages: Counter, first_of_language: dict[str, tuple], sms_people: list[tuple]
) -> None:
    """One sample text per language, most recipients first, and the SMS lengths."""
    request = plan.request
    link = example_link()
    variants = Variants(request.round, request.sender, request.purpose, plan.own_words)
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


def _variant_of(variants: Variants, language: str, row) -> tuple[Variant, str, str]:
    first_name = first_name_of(row.name)
    company = row.company__name
    unit = (row.training_office__name if row.role == RespondentRole.OFFICE else company) or ""
    continues = variants.round.kind == SurveyKind.AR and row.continues_to_id is not None
    return variants(language, name=first_name, continues=continues), first_name, unit


def _sms_summary(variants: Variants, people: list[tuple], link: str) -> SmsSummary:
    """Segments of every SMS, counted by `sms_length` as the recording and the sending do: the
    text differs only in the recipient's name and unit, so each shape of those is measured
    once."""
    summary = SmsSummary()
    measured: dict[tuple, SmsLength] = {}
    for language, row in people:
        variant, first_name, unit = _variant_of(variants, language, row)
        values = first_name + unit
        key = (variant, shape(first_name), shape(unit))
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
