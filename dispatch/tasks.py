"""The sending queue: the tasks, and everything that puts work on them. A dispatch's messages
are sent by `send_chunk` tasks, one per chunk, enqueued on commit; beat releases scheduled
dispatches and runs the sweeper, which takes back what dead workers left. Whatever enqueues a
task lives here beside it, so the services the tasks call never reach back for a task."""

from __future__ import annotations

import logging
import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from dispatch.models import Dispatch, DispatchState, Message, MessageState
from dispatch.services.account_mails import (
    account_mail_create,
    account_mail_process,
    account_mails_due,
    account_mails_release,
)
from dispatch.services.notifications import notifications_send
from dispatch.services.outbox import (
    REFUSED,
    dispatch_finish_if_done,
    messages_release,
    outbox_process_chunk,
    outbox_release,
)
from portal.accounts.mails import AccountMailKind, AccountMailOrder

# The sweeper has always logged as the outbox, which is what log filters and alerts know.
logger = logging.getLogger("dispatch.services.outbox")


# A send task that loses the database tries again this many times, waiting 1, 2, 4 … s (at
# most DB_RETRY_MAX_SECONDS): a restart of PostgreSQL costs seconds, not a sweep. Beyond that,
# the sweeper picks the dispatch up.
DB_RETRIES = 40
DB_RETRY_MAX_SECONDS = 8


def db_retry_seconds(retries: int) -> int:
    return int(min(2**retries, DB_RETRY_MAX_SECONDS))


@shared_task(bind=True)
def send_chunk(self: Task, dispatch_id: int, release: str | None = None) -> int:
    """Claims and sends one chunk of the dispatch's waiting messages. Messages put back after
    a transient error are picked up by a task enqueued for when they may go (never further
    ahead than the broker's visibility timeout) and, failing that, by the sweeper.

    A lost database connection is retried with back-off; the retry first gives back what the
    failed try had claimed (`release`), so those messages need not wait for their lease."""
    claim = uuid.uuid4()
    unreleased = release
    try:
        if release:
            outbox_release(uuid.UUID(release))
            unreleased = None
        result = outbox_process_chunk(dispatch_id, claim=claim)
    except (OperationalError, InterfaceError) as error:
        # Celery's Django fixup closes the broken connection after the task, so the retry
        # opens a fresh one.
        logger.warning("Send task of dispatch %s lost the database: %s", dispatch_id, error)
        raise self.retry(
            args=(dispatch_id,),
            kwargs={"release": unreleased or str(claim)},
            exc=error,
            countdown=db_retry_seconds(self.request.retries),
            max_retries=DB_RETRIES,
        ) from error
    if result.retry_in is not None:
        send_chunk.apply_async((dispatch_id,), countdown=result.retry_in)
    return result.sent


@shared_task
def release_due_dispatches() -> list[int]:
    return dispatches_release_due()


@shared_task(bind=True)
def send_account_mail(self: Task, mail_id: int) -> bool:
    """Sends one account mail (dispatch.services.account_mails); a lost database connection
    is retried with back-off, as a send task's is."""
    try:
        retry_in = account_mail_process(mail_id)
    except (OperationalError, InterfaceError) as error:
        logger.warning("Account mail %s lost the database: %s", mail_id, error)
        raise self.retry(
            exc=error, countdown=db_retry_seconds(self.request.retries), max_retries=DB_RETRIES
        ) from error
    if retry_in is not None:
        send_account_mail.apply_async((mail_id,), countdown=retry_in)
    return retry_in is None


def account_mail_enqueue(mail_id: int) -> bool:
    """After commit: a broker that cannot be reached is logged; the sweeper sends it later."""
    try:
        send_account_mail.delay(mail_id)
    except (BrokerError, OSError):
        logger.exception("Account mail %s: the queue cannot be reached; sent later", mail_id)
        return False
    return True


def account_mail_store(order: AccountMailOrder) -> None:
    """The portal's account mail sender (dispatch.hooks): the mail is stored in the ordering
    transaction and enqueued after its commit."""
    mail = account_mail_create(order)
    if mail is not None:
        transaction.on_commit(partial(account_mail_enqueue, mail.pk))


def account_mails_sweep(*, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    counts = account_mails_release(now=now)
    due = account_mails_due(now=now, grace_seconds=ACTIVATIONS_GRACE_SECONDS)
    counts["enqueued"] = 0
    for mail_id in due:
        if not account_mail_enqueue(mail_id):
            break
        counts["enqueued"] += 1
    if any(counts.values()):
        logger.warning("Account mail sweep: %s", counts)
    return counts


@shared_task
def send_notifications() -> dict[str, int]:
    """The administrators' e-mail notifications that are due (each once per event and user)."""
    return notifications_send()


@shared_task
def sweep_outbox() -> dict:
    result = outbox_sweep()
    activations_enqueue_owed()
    mails = account_mails_sweep()
    return {
        "account_mails": mails,
        "released": result.released,
        "rehanded": result.rehanded,
        "uncertain": result.uncertain,
        "cancelled": result.cancelled,
        "enqueued": result.enqueued,
        "finished": result.finished,
    }


def dispatch_enqueue(dispatch_id: int, messages: int) -> int:
    """One task per chunk of messages; a task claims whichever chunk is still waiting, so a
    task too many (or delivered twice) finds nothing and stops. A broker that cannot be
    reached is logged, not raised: this runs after the order has committed, and the sweeper
    enqueues the dispatch again once its messages have waited a while."""
    tasks = max(1, math.ceil(messages / settings.DISPATCH_CHUNK_SIZE))
    for done in range(tasks):
        try:
            send_chunk.delay(dispatch_id)
        except (BrokerError, OSError):
            logger.exception(
                "Dispatch %s: the queue cannot be reached; the sweeper enqueues it later",
                dispatch_id,
            )
            return done
    return tasks


# The sweeper leaves a fresh order's activations to the order's own on-commit hook.
ACTIVATIONS_GRACE_SECONDS = 60


def activations_enqueue(dispatch_id: int) -> int:
    """Moves the R-A3 activation e-mails an order of an earlier version owes into the account
    mail outbox (an order now queues them there itself). Returns how many."""
    with transaction.atomic():
        dispatch = Dispatch.objects.select_for_update().filter(pk=dispatch_id).first()
        mails = dispatch.activations_owed if dispatch is not None else []
        for kind, user_id, organisation, base_url in mails:
            account_mail_store(
                AccountMailOrder(
                    kind=AccountMailKind.INVITATION
                    if kind == "invitation"
                    else AccountMailKind.ACCESS_NOTICE,
                    user_id=user_id,
                    organisation=organisation,
                    base_url=base_url,
                )
            )
        if mails:
            Dispatch.objects.filter(pk=dispatch_id).update(activations_owed=[])
    return len(mails)


def activations_enqueue_owed(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    settled = now - timedelta(seconds=ACTIVATIONS_GRACE_SECONDS)
    owing = Dispatch.objects.filter(created_at__lt=settled).exclude(activations_owed=[])
    return sum(activations_enqueue(pk) for pk in owing.values_list("pk", flat=True))


def dispatches_release_due(now: datetime | None = None) -> list[int]:
    """Scheduled dispatches whose time has come go to the workers (Celery beat, every minute:
    no task waits on the broker with an ETA)."""
    now = now or timezone.now()
    released = []
    for pk in Dispatch.objects.filter(state=DispatchState.SCHEDULED, send_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            if Dispatch.objects.filter(pk=pk, state=DispatchState.SCHEDULED).update(
                state=DispatchState.SENDING
            ):
                waiting = Message.objects.filter(dispatch_id=pk, state=MessageState.PENDING).count()
                transaction.on_commit(partial(dispatch_enqueue, pk, waiting))
                released.append(pk)
    return released


@dataclass
class SweepResult:
    released: int = 0  # claimed, never handed: waiting again
    rehanded: int = 0  # handing to an idempotent backend: waiting again
    uncertain: int = 0
    cancelled: int = 0  # left by a dead worker in a dispatch cancelled since
    enqueued: dict[int, int] = field(default_factory=dict)
    finished: int = 0


def outbox_sweep(*, now: datetime | None = None) -> SweepResult:
    """Takes back what dead workers left (claims older than the lease, which a live task
    renews) and sends it on at once; re-enqueues dispatches whose messages nobody is working
    on (the web process died right after the commit, a task was lost); and finishes
    dispatches with nothing left to do."""
    now = now or timezone.now()
    expired = now - timedelta(seconds=settings.DISPATCH_LEASE_SECONDS)
    result = SweepResult()
    stale = Message.objects.filter(
        claimed_at__lt=expired, state__in=(MessageState.CLAIMED, MessageState.HANDING)
    )
    taken_back = set(stale.values_list("dispatch_id", flat=True).distinct().order_by())
    counts = messages_release(stale)
    result.released, result.rehanded = counts["released"], counts["rehanded"]
    result.uncertain, result.cancelled = counts["uncertain"], counts["cancelled"]
    # Nobody works on a dispatch whose last claim is older than the lease: a live task
    # renews its claim within a third of it.
    sending = (
        Dispatch.objects.filter(state=DispatchState.SENDING)
        .filter(Q(send_at__lt=expired) | Q(pk__in=taken_back))
        .annotate(last_claim=Max("messages__claimed_at"))
    )
    for dispatch in sending:
        working = dispatch.last_claim is not None and dispatch.last_claim >= expired
        if working and dispatch.pk not in taken_back:
            continue
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
            transaction.on_commit(partial(dispatch_enqueue, dispatch_pk, count))
    return sum(by_dispatch.values())
