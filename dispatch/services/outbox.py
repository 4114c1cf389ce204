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

A worker that dies leaves its messages claimed or handing. The sweeper (`outbox_sweep`) gives
claimed ones whose lease has run out back to the queue: the provider never saw them. Handing
ones are handed again only to an idempotent backend (recording, keyed on the message id);
for any other the message may have gone out, so it becomes "uncertain" and is never sent
again automatically. Every state change is conditional on the claim id, so a task whose lease
was taken from it changes nothing."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from dispatch.audience import Sender
from dispatch.backends import Outcome, Outgoing, backend_for, is_idempotent
from dispatch.models import (
    Channel,
    Dispatch,
    DispatchState,
    Message,
    MessageState,
    SkipReason,
    SmsOptOut,
)
from dispatch.rendering import FIELDS, first_name_of, sms_text, template, texts
from dispatch.services.planning import Variants
from portal.client import language_codes, site_url
from surveys.models import Respondent, RespondentRole, SurveyKind
from surveys.services.links import TOKEN_LENGTH, link_path, links_issue_for_round

logger = logging.getLogger(__name__)

_PLACEHOLDER = "0" * TOKEN_LENGTH  # to split the link's path around
# The error of a message whose address or number the provider refused: never tried again.
REFUSED = "refused: "


@dataclass
class ChunkResult:
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retry_in: int | None = None  # seconds until messages put back after an error may go


def backoff_seconds(attempts: int) -> int:
    return min(30 * 2 ** max(attempts - 1, 0), settings.DISPATCH_RETRY_MAX_SECONDS)


def _claim(dispatch_id: int, now: datetime) -> tuple[uuid.UUID, list[tuple]]:
    claim = uuid.uuid4()
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


def outbox_process_chunk(dispatch_id: int, *, now: datetime | None = None) -> ChunkResult:
    """Claims one chunk of the dispatch's waiting messages and sends it."""
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
        claim, rows = _claim(dispatch_id, now)
        result.claimed = len(rows)
        if not rows:
            outgoing = []
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
    round_ = dispatch.round
    people = {
        r[0]: r
        for r in Respondent.objects.filter(
            pk__in=Message.objects.filter(claim=claim, state=MessageState.CLAIMED).values(
                "respondent_id"
            )
        )
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
        )
        .order_by()
    }
    opted_out = set()
    if any(row[2] == Channel.SMS for row in rows):
        opted_out = set(
            SmsOptOut.objects.filter(
                mobile__in=[people[r[1]][4] for r in rows if r[2] == Channel.SMS]
            ).values_list("mobile", flat=True)
        )
    inside = round_.opens_at <= now < round_.closes_at
    skip: dict[str, list[uuid.UUID]] = {}
    going: list[tuple] = []
    for message_id, respondent_id, channel in rows:
        person = people[respondent_id]
        reason = None
        if not inside:
            reason = SkipReason.OUTSIDE_WINDOW
        elif person[6] is not None:  # R-D7: answered between preview and now
            reason = SkipReason.ANSWERED
        elif (channel == Channel.EMAIL and not person[3]) or (
            channel == Channel.SMS and not person[5]
        ):
            reason = SkipReason.NO_ADDRESS
        elif channel == Channel.SMS and person[4] in opted_out:
            reason = SkipReason.OPTED_OUT
        if reason:
            skip.setdefault(reason, []).append(message_id)
        else:
            going.append((message_id, channel, person))
    for reason, ids in skip.items():
        Message.objects.filter(id__in=ids, claim=claim).update(
            state=MessageState.SKIPPED, skip_reason=reason
        )
    # One fresh token per message: a respondent with e-mail and SMS gets two.
    going.sort(key=lambda g: g[1] != Channel.EMAIL)
    tokens = links_issue_for_round([person[0] for _m, _c, person in going], round_)
    sender = Sender(county=dispatch.county, office=dispatch.training_office)
    merge = settings.DISPATCH_EMAIL_MERGE_FIELD
    # The link's path around a token, found once for the chunk.
    before, after = link_path(_PLACEHOLDER).split(_PLACEHOLDER)
    before = site_url(before)
    variants = Variants(round_, sender, dispatch.purpose)
    languages = language_codes()
    outgoing = []
    for (message_id, channel, person), token in zip(going, tokens, strict=True):
        name = first_name_of(person[1])
        language = person[7] if person[7] in languages else dispatch.language
        unit = (person[10] if person[8] == RespondentRole.OFFICE else person[9]) or ""
        continues = round_.kind == SurveyKind.AR and person[11] is not None
        variant = variants(language, name=name, continues=continues)
        link = f"{before}{token}{after}"
        message = Outgoing(
            message_id=message_id,
            channel=channel,
            to=person[2] if channel == Channel.EMAIL else person[4],
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
    return outgoing, sum(len(ids) for ids in skip.values())


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
    for group in backend.groups(messages):
        group = _take_for_handing(claim, channel, group, whole=len(group) == len(messages))
        if group:
            outcomes = backend.send(group)
            _mark(claim, group, outcomes, result, timezone.now())


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
    mine = Message.objects.filter(claim=claim, state=MessageState.HANDING)
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
            _retry_or_fail(message, outcome, result, now)


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


@dataclass
class SweepResult:
    released: int = 0  # claimed, never handed: waiting again
    rehanded: int = 0  # handing to an idempotent backend: waiting again
    uncertain: int = 0
    enqueued: dict[int, int] | None = None
    finished: int = 0


STALL_SECONDS = 120


def outbox_sweep(*, now: datetime | None = None) -> SweepResult:
    """Takes back what dead workers left, re-enqueues dispatches whose messages nobody is
    working on (the web process died right after the commit, a task was lost), and finishes
    dispatches with nothing left to do."""
    from dispatch.services.dispatches import dispatch_enqueue

    now = now or timezone.now()
    expired = now - timedelta(seconds=settings.DISPATCH_LEASE_SECONDS)
    result = SweepResult(enqueued={})
    stale = Message.objects.filter(claimed_at__lt=expired)
    result.released = stale.filter(state=MessageState.CLAIMED).update(
        state=MessageState.PENDING, claim=None
    )
    for channel in (Channel.EMAIL, Channel.SMS):
        handing = stale.filter(state=MessageState.HANDING, channel=channel)
        if is_idempotent(channel):
            result.rehanded += handing.update(state=MessageState.PENDING, claim=None)
        else:
            result.uncertain += handing.update(state=MessageState.UNCERTAIN)
    stalled = now - timedelta(seconds=STALL_SECONDS)
    sending = Dispatch.objects.filter(state=DispatchState.SENDING, send_at__lt=stalled).annotate(
        last_claim=Max("messages__claimed_at")
    )
    for dispatch in sending:
        if dispatch.last_claim is not None and dispatch.last_claim >= stalled:
            continue  # a worker is on it
        waiting = Message.objects.filter(dispatch=dispatch, state=MessageState.PENDING).filter(
            Q(not_before__isnull=True) | Q(not_before__lte=now)
        )
        count = waiting.count()
        if count:
            result.enqueued[dispatch.pk] = dispatch_enqueue(dispatch.pk, count)
        elif dispatch_finish_if_done(dispatch.pk):
            result.finished += 1
    if result.released or result.rehanded or result.uncertain or result.enqueued:
        logger.warning("Outbox sweep: %s", result)
    return result


def outbox_retry(*, uncertain: bool = False, dispatch_id: int | None = None) -> int:
    """Puts failed messages (and with `uncertain`, uncertain ones) back in the queue, after a
    provider outage; messages failed because the address was refused stay failed."""
    from dispatch.services.dispatches import dispatch_enqueue

    states = [MessageState.FAILED] + ([MessageState.UNCERTAIN] if uncertain else [])
    messages = Message.objects.filter(state__in=states).exclude(
        Q(state=MessageState.FAILED) & Q(error__startswith=REFUSED)
    )
    if dispatch_id is not None:
        messages = messages.filter(dispatch_id=dispatch_id)
    messages = messages.filter(dispatch__round__closes_at__gt=timezone.now())
    by_dispatch: dict[int, int] = {}
    with transaction.atomic():
        for dispatch_pk in messages.values_list("dispatch_id", flat=True).distinct().order_by():
            count = messages.filter(dispatch_id=dispatch_pk).update(
                state=MessageState.PENDING, claim=None, attempts=0, not_before=None, error=""
            )
            by_dispatch[dispatch_pk] = count
        Dispatch.objects.filter(pk__in=by_dispatch, state=DispatchState.DONE).update(
            state=DispatchState.SENDING, finished_at=None
        )
        for dispatch_pk, count in by_dispatch.items():
            transaction.on_commit(lambda pk=dispatch_pk, n=count: dispatch_enqueue(pk, n))
    return sum(by_dispatch.values())
