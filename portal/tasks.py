from celery import shared_task


@shared_task(ignore_result=False)
def ping() -> str:
    """Answers from whichever worker takes it; used to prove a worker is consuming the queue."""
    return "pong"


@shared_task
def send_password_reset_mail(email: str, base_url: str, language: str) -> None:
    """The password-reset mail of an address, if it belongs to an active user (nothing
    otherwise, and nothing that tells the asker which)."""
    from portal.accounts import password_reset_mail_send

    password_reset_mail_send(email=email, base_url=base_url, language=language)
