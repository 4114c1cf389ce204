"""The account mail sender: account mails (portal.accounts.mails) go out through whatever a
higher app registers here (the dispatch outbox, so none is lost while the broker is away and
each goes once); with nothing registered they are sent by the portal's own task after commit,
as a portal without the outbox does."""

from __future__ import annotations

from collections.abc import Callable

from django.core.mail import EmailMessage
from django.db import transaction

from portal.accounts.mails import AccountMailKind, AccountMailOrder
from portal.tasks import send_account_mail_directly

AccountMailSender = Callable[[AccountMailOrder], None]
_senders: list[AccountMailSender] = []


def account_mail_sender_register(sender: AccountMailSender) -> None:
    """The sender of account mails; called within the ordering transaction, it must store the
    mail in that transaction and send it after commit. The last one registered is used."""
    if sender not in _senders:
        _senders.append(sender)


def account_mail_sender_unregister(sender: AccountMailSender) -> None:
    if sender in _senders:
        _senders.remove(sender)


def account_mail_outbox_present() -> bool:
    return bool(_senders)


def account_mail_queue(order: AccountMailOrder) -> None:
    """Queues the mail: through the registered sender, or else by the portal's task after
    commit (lost if the broker is away then)."""
    if _senders:
        _senders[-1](order)
        return
    transaction.on_commit(lambda: send_account_mail_directly.delay(order.__dict__))


def rendered_mail_queue(
    message: EmailMessage, *, user_id: int | None = None, event_key: str | None = None
) -> None:
    """Queues a mail rendered by the caller (to its one recipient)."""
    alternatives = getattr(message, "alternatives", None) or []
    html = next((str(body) for body, kind in alternatives if kind == "text/html"), "")
    account_mail_queue(
        AccountMailOrder(
            kind=AccountMailKind.RENDERED,
            email=message.to[0],
            subject=str(message.subject),
            text=str(message.body),
            html=html,
            user_id=user_id,
            event_key=event_key,
        )
    )


