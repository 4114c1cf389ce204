"""E-mail through Django's mail API and whatever EMAIL_BACKEND is configured (an anymail ESP in
production, SMTP otherwise).

Every message carries the outbox message id as anymail metadata (for the tracking webhooks)
and in its Message-ID. Click tracking is off: the personal link must reach the respondent as
it is. With DISPATCH_EMAIL_MERGE_FIELD set, the e-mails of one text in a chunk go as one
anymail batch with per-recipient merge data."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator, Sequence
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from dispatch.backends.base import Outcome, Outgoing, one_by_one

_REFUSED = {"rejected", "invalid"}


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def _message(m: Outgoing, connection, to: list[str]) -> EmailMultiAlternatives:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
    email = EmailMultiAlternatives(
        subject=m.subject,
        body=m.text,
        to=to,
        connection=connection,
        headers={"Message-ID": make_msgid(idstring=m.message_id.hex, domain=domain)},
    )
    if m.html:
        email.attach_alternative(m.html, "text/html")
    # Read by anymail's backends, ignored by Django's own.
    email.metadata = {"portal_message": str(m.message_id)}  # type: ignore[attr-defined]  # anymail's attribute
    email.track_clicks = False  # type: ignore[attr-defined]  # anymail's attribute
    return email


class DjangoEmailBackend:
    idempotent = False

    def groups(self, messages: Sequence[Outgoing]) -> Iterator[list[Outgoing]]:
        if not settings.DISPATCH_EMAIL_MERGE_FIELD:
            yield from one_by_one(messages)
            return
        batches: dict[tuple, list[Outgoing]] = {}
        for m in messages:
            batches.setdefault(m.merge_key or (m.message_id,), []).append(m)
        yield from batches.values()

    def send(self, messages: list[Outgoing]) -> list[Outcome]:
        connection = get_connection()
        if len(messages) > 1 or (messages and messages[0].merge_key):
            return self._send_batch(messages, connection)
        m = messages[0]
        email = _message(m, connection, [m.to])
        try:
            connection.send_messages([email])
        except smtplib.SMTPRecipientsRefused as exc:
            return [Outcome(m.message_id, ok=False, error=_error(exc), invalid_address=True)]
        except Exception as exc:
            if type(exc).__name__ == "AnymailRecipientsRefused":
                return [Outcome(m.message_id, ok=False, error=_error(exc), invalid_address=True)]
            return [Outcome(m.message_id, ok=False, error=_error(exc))]
        return [self._outcome(m, email)]

    def _outcome(self, m: Outgoing, email: EmailMultiAlternatives) -> Outcome:
        status = getattr(email, "anymail_status", None)
        if status is None:  # not an anymail backend: the Message-ID is the provider's id
            return Outcome(m.message_id, ok=True, provider_id=email.extra_headers["Message-ID"])
        recipient = status.recipients.get(m.to)
        if recipient is not None and recipient.status in _REFUSED:
            return Outcome(
                m.message_id, ok=False, error=str(recipient.status), invalid_address=True
            )
        message_id = (recipient.message_id if recipient else None) or status.message_id
        return Outcome(m.message_id, ok=True, provider_id=str(message_id or "")[:100])

    def _send_batch(self, messages: list[Outgoing], connection) -> list[Outcome]:
        """One anymail batch: the texts carry the ESP's merge fields, each recipient's values
        travel as merge_data and only they see their own address."""
        first = messages[0]
        email = _message(first, connection, [m.to for m in messages])
        email.merge_data = {m.to: m.merge_values for m in messages}  # type: ignore[attr-defined]  # anymail's attribute
        email.merge_metadata = {  # type: ignore[attr-defined]  # anymail's attribute
            m.to: {"portal_message": str(m.message_id)} for m in messages
        }
        email.metadata = {}  # type: ignore[attr-defined]  # anymail's attribute
        try:
            connection.send_messages([email])
        except Exception as exc:
            refused = type(exc).__name__ == "AnymailRecipientsRefused"
            return [
                Outcome(m.message_id, ok=False, error=_error(exc), invalid_address=refused)
                for m in messages
            ]
        return [self._outcome(m, email) for m in messages]
