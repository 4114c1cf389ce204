"""The outbox: claim, hand to the provider, mark — each committed on its own.

1. Claim (one transaction): up to DISPATCH_CHUNK_SIZE waiting messages of a dispatch are taken
   with SELECT … FOR UPDATE SKIP LOCKED and marked claimed under a fresh claim id. In the same
   transaction each message is checked again (answered since the preview? address still
   valid? opted out of SMS? still inside the survey window?) and skipped if it must not go, and
   every other message gets a fresh personal link, so a message sent again carries a link that
   works.
2. Hand (per provider call): the group is marked "handing" (committed) before the call.
3. Mark: sent with the provider's id, or back to waiting after a transient error (with
   back-off, up to DISPATCH_MAX_ATTEMPTS), or failed after a permanent one (the address is
   marked invalid).

A worker that dies leaves its messages claimed or handing. The sweeper (`outbox_sweep`, in
dispatch.tasks beside the task it enqueues) gives claimed ones whose lease has run out back to
the queue: the provider never saw them. Handing ones are handed again only to an idempotent
backend (recording, keyed on the message id); for any other the message may have gone out, so
it becomes "uncertain" and is never sent again automatically. Every state change is
conditional on the claim id, so a task whose lease was taken from it changes nothing."""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from dispatch.audience import Sender
from dispatch.backends import backend_for, is_idempotent
from dispatch.backends.base import Outcome, Outgoing
from dispatch.models import (
    REFUSED,
    Channel,
    Dispatch,
    DispatchState,
    Message,
    MessageState,
    SkipReason,
    SmsOptOut,
)
from dispatch.rendering import FIELDS, first_name_of, sms_text, template, texts
from dispatch.services.order_rules import Variants
from portal.lib.client import language_codes, site_url
from registry_import.validation.values import normalise_mobile
from surveys.models import Respondent, RespondentRole, SurveyKind
from surveys.services.links import TOKEN_LENGTH, link_path, links_issue_for_round

logger = logging.getLogger(__name__)

_PLACEHOLDER = "0" * TOKEN_LENGTH  # to split the link's path around


@dataclass
class ChunkResult:
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retry_in: int | None = None  # seconds until messages put back after an error may go


def backoff_seconds(attempts: int) -> int:
    return min(30 * 2 ** max(attempts - 1, 0), settings.DISPATCH_RETRY_MAX_SECONDS)


def _claim(
    dispatch_id: int, now: datetime, claim: uuid.UUID | None = None
) -> tuple[uuid.UUID, list[tuple]]:
    claim = claim or uuid.uuid4()
    if connection.vendor == "postgresql":
        return claim, _claim_postgresql(dispatch_id, now, claim)
    waiting = (
        Message.objects.filter(dispatch_id=dispatch_id, state=MessageState.PENDING)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .order_by()
    )
    rows = list(
        waiting.values_list("id", "respondent_id", "channel")[: settings.DISPATCH_CHUNK_SIZE]
    )
    if rows:
        Message.objects.filter(id__in=[r[0] for r in rows]).update(
            state=MessageState.CLAIMED, claim=claim, claimed_at=now
        )
    return claim, rows


def _claim_postgresql(dispatch_id: int, now: datetime, claim: uuid.UUID) -> list[tuple]:
    """The same in one statement: rows another worker holds are skipped, not waited for, and
    no list of ids travels to the server and back again."""
    table = Message._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} SET state = %s, claim = %s, claimed_at = %s
            WHERE id IN (
                SELECT id FROM {table}
                WHERE dispatch_id = %s AND state = %s
                  AND (not_before IS NULL OR not_before <= %s)
                LIMIT %s FOR UPDATE SKIP LOCKED
            )
            RETURNING id, respondent_id, channel
            """,  # noqa: S608 - the table name is the model's own
            [
                MessageState.CLAIMED,
                claim,
                now,
                dispatch_id,
                MessageState.PENDING,
                now,
                settings.DISPATCH_CHUNK_SIZE,
            ],
        )
        return cursor.fetchall()


def outbox_process_chunk(
    dispatch_id: int, *, now: datetime | None = None, claim: uuid.UUID | None = None
) -> ChunkResult:
    """Claims one chunk of the dispatch's waiting messages (under `claim` when given, so the
    caller can give it back if the database goes away mid-chunk) and sends it."""
    now = now or timezone.now()
    result = ChunkResult()
    dispatch = (
        Dispatch.objects.select_related("round", "county", "training_office")
        .filter(pk=dispatch_id, state=DispatchState.SENDING)
        .first()
    )
    if dispatch is None:
        return result
    with transaction.atomic():
        claim, rows = _claim(dispatch_id, now, claim)
        result.claimed = len(rows)
        if not rows:
            outgoing: list[Outgoing] = []
        else:
            outgoing, skipped = _prepare(dispatch, claim, rows, now)
            result.skipped = skipped
    for channel in (Channel.EMAIL, Channel.SMS):
        messages = [m for m in outgoing if m.channel == channel]
        if messages:
            _hand(claim, channel, messages, result, now)
    dispatch_finish_if_done(dispatch_id)
    return result


def _prepare(
    dispatch: Dispatch, claim: uuid.UUID, rows: list[tuple], now: datetime
) -> tuple[list[Outgoing], int]:
    """Checks each claimed message again and renders those that go, with fresh links."""
    people = _claimed_people(claim)
    going, skip = _checked(dispatch, rows, people, now)
    for reason, ids in skip.items():
        Message.objects.filter(id__in=ids, claim=claim).update(
            state=MessageState.SKIPPED, skip_reason=reason
        )
    # One fresh token per message: a respondent with e-mail and SMS gets two.
    going.sort(key=lambda g: g[1] != Channel.EMAIL)
    tokens = links_issue_for_round([person.pk for _m, _c, person in going], dispatch.round)
    return _rendered(dispatch, going, tokens), sum(len(ids) for ids in skip.values())


def _claimed_people(claim: uuid.UUID) -> dict[int, Any]:
    """The respondents of the claimed messages, by id, as rows named after their fields."""
    claimed = Message.objects.filter(claim=claim, state=MessageState.CLAIMED)
    rows = (
        Respondent.objects.filter(pk__in=claimed.values("respondent_id"))
        .values_list(
            "pk",
            "name",
            "email",
            "email_valid",
            "mobile",
            "mobile_valid",
            "answered_at",
            "language",
            "role",
            "company__name",
            "training_office__name",
            "continues_to_id",
            named=True,
        )
        .order_by()
    )
    return {row.pk: row for row in rows}


def _checked(
    dispatch: Dispatch, rows: list[tuple], people: dict[int, Any], now: datetime
) -> tuple[list[tuple], dict[str, list[uuid.UUID]]]:
    """(message id, channel, person) of the messages that go, and the ids of those skipped by
    reason: out of the window, answered since the preview (R-D7), no valid address, opted
    out of SMS since, or a mobile number that is not one."""
    round_ = dispatch.round
    sms_to = [people[respondent_id].mobile for _m, respondent_id, ch in rows if ch == Channel.SMS]
    opted_out = set()
    if sms_to:
        opted_out = set(
            SmsOptOut.objects.filter(mobile__in=sms_to).values_list("mobile", flat=True)
        )
    inside = round_.opens_at <= now < round_.closes_at
    skip: dict[str, list[uuid.UUID]] = {}
    going: list[tuple] = []
    for message_id, respondent_id, channel in rows:
        person = people[respondent_id]
        reason: str | None = None
        if not inside:
            reason = SkipReason.OUTSIDE_WINDOW
        elif person.answered_at is not None:
            reason = SkipReason.ANSWERED
        elif (channel == Channel.EMAIL and not person.email_valid) or (
            channel == Channel.SMS and not person.mobile_valid
        ):
            reason = SkipReason.NO_ADDRESS
        elif channel == Channel.SMS and person.mobile in opted_out:
            reason = SkipReason.OPTED_OUT
        elif channel == Channel.SMS and not normalise_mobile(person.mobile)[1]:
            # Marked valid but not a mobile number phonenumbers knows: never handed on.
            reason = SkipReason.BAD_NUMBER
        if reason:
            skip.setdefault(reason, []).append(message_id)
        else:
            going.append((message_id, channel, person))
    return going, skip


def _rendered(dispatch: Dispatch, going: list[tuple], tokens: list[str]) -> list[Outgoing]:
    round_ = dispatch.round
    sender = Sender(county=dispatch.county, office=dispatch.training_office)
    merge = settings.DISPATCH_EMAIL_MERGE_FIELD
    # The link's path around a token, found once for the chunk.
    before, after = link_path(_PLACEHOLDER).split(_PLACEHOLDER)
    before = site_url(before)
    variants = Variants(round_, sender, dispatch.purpose, dispatch.own_words)
    languages = language_codes()
    outgoing = []
    for (message_id, channel, person), token in zip(going, tokens, strict=True):
        name = first_name_of(person.name)
        language = person.language if person.language in languages else dispatch.language
        office = person.role == RespondentRole.OFFICE
        unit = (person.training_office__name if office else person.company__name) or ""
        continues = round_.kind == SurveyKind.AR and person.continues_to_id is not None
        variant = variants(language, name=name, continues=continues)
        link = f"{before}{token}{after}"
        message = Outgoing(
            message_id=message_id,
            channel=channel,
            to=person.email if channel == Channel.EMAIL else person.mobile,
            round_id=round_.pk,
        )
        if channel == Channel.SMS:
            message.text = sms_text(variant, first_name=name, link=link, unit=unit)
        elif merge:
            _merge_fields(message, variant, merge, name, link, unit)
        else:
            rendered = texts(variant, first_name=name, link=link, unit=unit)
            message.subject, message.text, message.html = (
                rendered.subject,
                rendered.text,
                rendered.html,
            )
        outgoing.append(message)
    return outgoing


def _merge_fields(message: Outgoing, variant, merge: str, name: str, link: str, unit: str):
    """The texts with the ESP's merge fields, shared by every recipient of the variant."""
    marks = {field: merge.format(field) for field in FIELDS}
    message.merge_key = (variant,)
    message.subject = template(variant, "subject", marks)
    message.text = template(variant, "text", marks)
    message.html = template(variant, "html", marks)
    message.merge_values = {"first_name": name, "link": link, "unit": unit}


def _hand(
    claim: uuid.UUID,
    channel: str,
    messages: list[Outgoing],
    result: ChunkResult,
    now: datetime,
) -> None:
    backend = backend_for(channel)
    heartbeat = _Heartbeat(claim)
    for group in backend.groups(messages):
        heartbeat.beat()
        group = _take_for_handing(claim, channel, group, whole=len(group) == len(messages))
        if group:
            outcomes = backend.send(group)
            _mark(claim, group, outcomes, result, timezone.now())
            reported = getattr(backend, "delivery_report", None)
            if reported is not None:
                reported(group)  # a backend that knows at once what a webhook tells later


def _clock() -> float:
    return time.monotonic()


class _Heartbeat:
    """Renews the claim's lease while its task works the chunk (one provider call per message
    with plain SMTP or SMS takes minutes for a chunk), at most every third of the lease: a
    claim older than the lease is then a dead worker's, and a short lease is safe."""

    def __init__(self, claim: uuid.UUID) -> None:
        self.claim = claim
        self.every = settings.DISPATCH_LEASE_SECONDS / 3
        self.last = _clock()

    def beat(self) -> None:
        if _clock() - self.last < self.every:
            return
        Message.objects.filter(
            claim=self.claim, state__in=(MessageState.CLAIMED, MessageState.HANDING)
        ).update(claimed_at=timezone.now())
        self.last = _clock()


def outbox_release(claim: uuid.UUID) -> dict[str, int]:
    """Gives back what a claim holds, as the sweeper does once its lease has run out: claimed
    messages wait again; messages being handed wait again only for an idempotent backend, and
    are otherwise uncertain. Messages of a cancelled dispatch are cancelled, not put back."""
    return messages_release(Message.objects.filter(claim=claim))


def messages_release(held: QuerySet[Message]) -> dict[str, int]:
    """The release of `held` (claimed or handing messages nobody works on any more)."""
    cancelled = Q(dispatch__state=DispatchState.CANCELLED)
    counts = {"released": 0, "rehanded": 0, "uncertain": 0, "cancelled": 0}
    claimed = held.filter(state=MessageState.CLAIMED)
    counts["cancelled"] += claimed.filter(cancelled).update(
        state=MessageState.CANCELLED, claim=None
    )
    counts["released"] += claimed.update(state=MessageState.PENDING, claim=None)
    for channel in (Channel.EMAIL, Channel.SMS):
        handing = held.filter(state=MessageState.HANDING, channel=channel)
        if is_idempotent(channel):
            # Those of a cancelled dispatch may have gone out and will not be handed again.
            counts["uncertain"] += handing.filter(cancelled).update(state=MessageState.UNCERTAIN)
            counts["rehanded"] += handing.update(state=MessageState.PENDING, claim=None)
        else:
            counts["uncertain"] += handing.update(state=MessageState.UNCERTAIN)
    return counts


def _take_for_handing(
    claim: uuid.UUID, channel: str, group: list[Outgoing], *, whole: bool
) -> list[Outgoing]:
    """Marks the group's messages still held by this claim as handing (committed before the
    provider is called) and returns those: the sweeper may have taken some back."""
    held = Message.objects.filter(claim=claim, state=MessageState.CLAIMED, channel=channel)
    if not whole:
        held = held.filter(id__in=[m.message_id for m in group])
    if held.update(state=MessageState.HANDING) == len(group):
        return group
    handing = set(
        Message.objects.filter(
            claim=claim, state=MessageState.HANDING, id__in=[m.message_id for m in group]
        ).values_list("id", flat=True)
    )
    return [m for m in group if m.message_id in handing]


def _mark(
    claim: uuid.UUID,
    group: list[Outgoing],
    outcomes: list[Outcome],
    result: ChunkResult,
    now: datetime,
) -> None:
    from dispatch.services.delivery import contact_undeliverable, sms_opt_out

    by_id = {m.message_id: m for m in group}
    # Uncertain too: the dispatch was cancelled while the provider had them, and its answer
    # says what became of them.
    mine = Message.objects.filter(
        claim=claim, state__in=(MessageState.HANDING, MessageState.UNCERTAIN)
    )
    plain = [o.message_id for o in outcomes if o.ok and not o.provider_id]
    if plain and len(plain) == len(outcomes):
        # Everything went without a provider id (the common case): no list of ids to send.
        result.sent += mine.filter(channel=group[0].channel).update(
            state=MessageState.SENT, sent_at=now
        )
    elif plain:
        result.sent += mine.filter(id__in=plain).update(state=MessageState.SENT, sent_at=now)
    for outcome in outcomes:
        if outcome.ok and not outcome.provider_id:
            continue
        message = mine.filter(id=outcome.message_id)
        if outcome.ok:
            result.sent += message.update(
                state=MessageState.SENT, sent_at=now, provider_id=outcome.provider_id
            )
        elif outcome.opted_out:
            message.update(state=MessageState.SKIPPED, skip_reason=SkipReason.OPTED_OUT)
            sms_opt_out(mobile=by_id[outcome.message_id].to)
        elif outcome.invalid_address:
            result.failed += message.update(
                state=MessageState.FAILED, error=f"{REFUSED}{outcome.error}"[:300]
            )
            sent = by_id[outcome.message_id]
            contact_undeliverable(channel=sent.channel, value=sent.to, reason=outcome.error)
        else:
            # One of a cancelled dispatch is not tried again.
            result.failed += message.filter(state=MessageState.UNCERTAIN).update(
                state=MessageState.FAILED, error=outcome.error
            )
            _retry_or_fail(message.filter(state=MessageState.HANDING), outcome, result, now)


def _retry_or_fail(message, outcome: Outcome, result: ChunkResult, now: datetime) -> None:
    attempts = message.values_list("attempts", flat=True).first() or 0
    attempts += 1
    if attempts >= settings.DISPATCH_MAX_ATTEMPTS:
        result.failed += message.update(
            state=MessageState.FAILED, attempts=attempts, error=outcome.error
        )
        return
    wait = backoff_seconds(attempts)
    message.update(
        state=MessageState.PENDING,
        attempts=attempts,
        error=outcome.error,
        claim=None,
        not_before=now + timedelta(seconds=wait),
    )
    result.retry_in = min(wait, result.retry_in or wait)
    logger.warning(
        "Message %s will be tried again in %s s: %s", outcome.message_id, wait, outcome.error
    )


def dispatch_finish_if_done(dispatch_id: int) -> bool:
    unfinished = Message.objects.filter(
        dispatch=OuterRef("pk"),
        state__in=(MessageState.PENDING, MessageState.CLAIMED, MessageState.HANDING),
    )
    return bool(
        Dispatch.objects.filter(pk=dispatch_id, state=DispatchState.SENDING)
        .exclude(Exists(unfinished))
        .update(state=DispatchState.DONE, finished_at=timezone.now())
    )


# --- The sweeper ----------------------------------------------------------------------------
