"""Account mails through the outbox (portal.accounts.mails registers `account_mail_store` as
its sender): stored in the transaction that orders them, sent by a task after commit, and
picked up by the sweeper when the broker was away. Each goes once: a task claims the mail
(a conditional update), marks it handing before the provider is called and sent after; a
worker that died while handing leaves it uncertain, never sent again automatically.

A password link is made when the mail is handed over, never stored; once a mail has gone or
failed its address and texts are blanked. Its "queued" entry in the audit log is followed by
one saying it was sent, or not sent and why."""

from __future__ import annotations

import logging
import smtplib
import uuid
from datetime import datetime, timedelta

from anymail.exceptions import AnymailRecipientsRefused
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from dispatch.models import AccountMail, MessageState
from dispatch.services.outbox import backoff_seconds
from portal.accounts.mails import AccountMailOrder, account_mail_render
from portal.audit.record import audit_record
from portal.models import AuditAction, AuditEntry, User

logger = logging.getLogger(__name__)

# What is blanked once a mail has gone or failed.
_BLANKED = {"email": "", "subject": "", "text": "", "html": "", "base_url": "", "organisation": ""}


def account_mail_create(order: AccountMailOrder) -> AccountMail | None:
    """Stores the mail in the caller's transaction; None for a notification already sent
    (its event key is taken)."""
    if order.event_key and AccountMail.objects.filter(event_key=order.event_key).exists():
        return None
    try:
        with transaction.atomic():
            return _create(order)
    except IntegrityError:  # the same event, queued at the same moment by another run
        if order.event_key is None:
            raise
        return None


def _create(order: AccountMailOrder) -> AccountMail:
    return AccountMail.objects.create(
        kind=order.kind,
        user_id=order.user_id,
        email=order.email,
        organisation=order.organisation,
        base_url=order.base_url,
        language=order.language,
        subject=order.subject[:300],
        text=order.text,
        html=order.html,
        audit_entry_id=order.audit_entry_id,
        event_key=order.event_key,
    )


def _order_of(mail: AccountMail) -> AccountMailOrder:
    return AccountMailOrder(
        kind=mail.kind,
        base_url=mail.base_url,
        user_id=mail.user_id,
        email=mail.email,
        organisation=mail.organisation,
        language=mail.language,
        subject=mail.subject,
        text=mail.text,
        html=mail.html,
    )


def _claim(mail_id: int, now: datetime) -> uuid.UUID | None:
    claim = uuid.uuid4()
    taken = (
        AccountMail.objects.filter(pk=mail_id, state=MessageState.PENDING)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .update(state=MessageState.CLAIMED, claim=claim, claimed_at=now)
    )
    return claim if taken else None


def account_mail_process(mail_id: int, *, now: datetime | None = None) -> int | None:
    """Sends the mail if it is waiting and due. Returns seconds until a retry after a
    transient error, else None."""
    now = now or timezone.now()
    claim = _claim(mail_id, now)
    if claim is None:
        return None
    held = AccountMail.objects.filter(pk=mail_id, claim=claim)
    mail = held.get()
    mails = account_mail_render(_order_of(mail))
    if not mails:
        with transaction.atomic():
            held.update(state=MessageState.SKIPPED, **_BLANKED)
            _audit_outcome(mail, None, sent=False, reason="no active user")
        return None
    if not held.filter(state=MessageState.CLAIMED).update(state=MessageState.HANDING):
        return None  # the sweeper took it back
    try:
        for _user, message in mails:
            message.send()
    except (AnymailRecipientsRefused, smtplib.SMTPRecipientsRefused) as refused:
        _fail(mail, held, f"refused: {refused}")
        return None
    except Exception as error:
        return _retry_or_fail(mail, held, str(error) or type(error).__name__, timezone.now())
    # The state and its audit entry together: whoever sees it sent sees it logged.
    with transaction.atomic():
        held.update(state=MessageState.SENT, sent_at=timezone.now(), **_BLANKED)
        for user, _message in mails:
            _audit_outcome(mail, user, sent=True)
    return None


def _fail(mail: AccountMail, held, reason: str) -> None:
    with transaction.atomic():
        held.update(state=MessageState.FAILED, error=reason[:300], **_BLANKED)
        _audit_outcome(mail, None, sent=False, reason=reason)


def _retry_or_fail(mail: AccountMail, held, error: str, now: datetime) -> int | None:
    attempts = mail.attempts + 1
    if attempts >= settings.DISPATCH_MAX_ATTEMPTS:
        held.update(attempts=attempts)
        _fail(mail, held, error)
        return None
    wait = backoff_seconds(attempts)
    held.update(
        state=MessageState.PENDING,
        attempts=attempts,
        error=error[:300],
        claim=None,
        not_before=now + timedelta(seconds=wait),
    )
    logger.warning("Account mail %s will be tried again in %s s: %s", mail.pk, wait, error)
    return wait


def _audit_outcome(mail: AccountMail, user: User | None, *, sent: bool, reason: str = "") -> None:
    """The entry that follows the mail's "queued" one (none for a mail that had none and went
    nowhere: a reset asked for an address no user has)."""
    queued = AuditEntry.objects.filter(pk=mail.audit_entry_id or 0).first()
    if queued is None and user is None:
        return
    if queued is None and mail.kind == "rendered" and mail.event_key:
        return  # notifications are not account events
    about = user or (queued.user if queued is not None else None)
    email = user.email if user is not None else (queued.email if queued else "")
    audit_record(
        AuditAction.ACCOUNT_MAIL_SENT if sent else AuditAction.ACCOUNT_MAIL_FAILED,
        user=queued.user if queued is not None and queued.user_id else about,
        email=email,
        county=queued.county if queued is not None else None,
        office=queued.training_office if queued is not None else None,
        target=email,
        detail={
            "mail": mail.pk,
            "kind": mail.kind,
            "user_id": about.pk if about is not None else None,
            "queued_entry": mail.audit_entry_id,
            **({"reason": reason[:200]} if reason else {}),
        },
    )


def account_mails_release(*, now: datetime) -> dict[str, int]:
    """Takes back what dead workers left: a claimed mail waits again; one being handed may
    have gone, so it is uncertain."""
    expired = now - timedelta(seconds=settings.DISPATCH_LEASE_SECONDS)
    stale = AccountMail.objects.filter(claimed_at__lt=expired)
    return {
        "released": stale.filter(state=MessageState.CLAIMED).update(
            state=MessageState.PENDING, claim=None
        ),
        "uncertain": stale.filter(state=MessageState.HANDING).update(
            state=MessageState.UNCERTAIN, **_BLANKED
        ),
    }


def account_mails_due(*, now: datetime, grace_seconds: int) -> list[int]:
    """Waiting mails no task has taken a while after they were due: their task was lost (the
    broker was away at the commit, or the task with them)."""
    settled = now - timedelta(seconds=grace_seconds)
    return list(
        AccountMail.objects.filter(state=MessageState.PENDING, created_at__lt=settled)
        .filter(Q(not_before__isnull=True) | Q(not_before__lt=settled))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
