"""Account mails in the outbox (portal.accounts.mails: activation, access notices, password
resets, allauth's own mails, notifications to administrators) and the administrators' retries
of failed messages."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from dispatch.models.dispatches import Dispatch, MessageState


class AccountMail(models.Model):
    """One account mail. Nothing personal is kept beyond its sending: a password link is made
    when the mail is handed to the provider, and the address and texts are blanked once it has
    gone or failed; `event_key` stays, so a notification of an event goes once."""

    kind = models.CharField(max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    email = models.CharField(max_length=254, blank=True)
    organisation = models.CharField(max_length=300, blank=True)
    base_url = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=10, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    audit_entry_id = models.BigIntegerField(null=True, blank=True)
    event_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    state = models.CharField(
        max_length=20, choices=MessageState.choices, default=MessageState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} {self.state}"


class FailureRetry(models.Model):
    """An administrator's "try again" of a dispatch's failed messages, once per form."""

    key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="retries")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    messages = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"retry {self.key} of {self.dispatch_id}"
