from celery import shared_task

from portal.accounts.mails import (
    AccountMailOrder,
    access_notice_send,
    account_mail_render,
    invitation_send,
    password_reset_mail_send,
)
from portal.models import User


@shared_task(ignore_result=False)
def ping() -> str:
    """Answers from whichever worker takes it; used to prove a worker is consuming the queue."""
    return "pong"


@shared_task
def send_invitation(user_id: int, organisation: str, base_url: str) -> None:
    """The activation e-mail of a new user (or a fresh one for a user who never chose a
    password); nothing for a user deactivated since."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        invitation_send(user=user, organisation=organisation, base_url=base_url)


@shared_task
def send_access_notice(user_id: int, organisation: str, base_url: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        access_notice_send(user=user, organisation=organisation, base_url=base_url)


@shared_task
def send_password_reset_mail(email: str, base_url: str, language: str) -> None:
    """The password-reset mail of an address, if it belongs to an active user (nothing
    otherwise, and nothing that tells the asker which)."""
    password_reset_mail_send(email=email, base_url=base_url, language=language)


@shared_task
def send_account_mail_directly(order: dict) -> int:
    """An account mail of a portal without the outbox (portal.accounts.mails)."""
    mails = account_mail_render(AccountMailOrder(**order))
    for _user, message in mails:
        message.send()
    return len(mails)
