"""Dispatches (utsendelser) and their outbox: one message row per recipient and channel.

A message row is the unit of "exactly once": it is claimed, handed to a provider and marked in
separate commits (dispatch/services/outbox.py). Its id is the idempotency key given to the
provider. Message rows tie a person to what was sent them and when, so those of an LU or LBU
round are deleted by the round's close step; the dispatch keeps its counts."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import County, TrainingOffice
from surveys.models import Respondent, Round


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Purpose(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    REMINDER = "reminder", _("Reminder")
    # Links sent to apprentices at a gathering (R-D13): not counted against the reminder cap.
    GATHERING = "gathering", _("Gathering")


class DispatchState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    DONE = "done", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class Dispatch(models.Model):
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="dispatches")
    # The sender: a county or a training office, never both.
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="dispatches"
    )
    training_office = models.ForeignKey(
        TrainingOffice, on_delete=models.PROTECT, null=True, blank=True, related_name="dispatches"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    by_email = models.BooleanField(_("by e-mail"), default=False)
    by_sms = models.BooleanField(_("by SMS"), default=False)
    language = models.CharField(_("language"), max_length=5, default="nb")
    send_at = models.DateTimeField(_("to be sent"))
    state = models.CharField(max_length=20, choices=DispatchState.choices)
    override_spacing = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    # Kept when the round's message rows are deleted at its close (counts_kept set then).
    sent_count = models.PositiveIntegerField(default=0)
    delivered_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    counts_kept = models.BooleanField(default=False)
    # The one-time key of the order form that made it: a second post of the same form (a
    # double-click, a page sent again) finds this dispatch instead of making another.
    order_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # R-A3 activation e-mails this order owes, as [user id, organisation, base url]: kept until
    # they are on the queue, so a broker that is down when the order commits loses none.
    activations_owed = models.JSONField(default=list, blank=True, editable=False)
    # Whom a reminder was limited to (dispatch/targeting.py), as ordered: {} when everyone.
    targeting = models.JSONField(default=dict, blank=True, editable=False)
    # The sender's own words the messages were written with, per language (a copy: later
    # edits change neither what it sends nor what its history shows). {} when none.
    own_words = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-send_at", "-pk"]
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        constraints = [
            models.CheckConstraint(
                name="dispatch_has_one_sender",
                condition=Q(county__isnull=False, training_office__isnull=True)
                | Q(county__isnull=True, training_office__isnull=False),
            ),
            models.CheckConstraint(
                name="dispatch_has_a_channel", condition=Q(by_email=True) | Q(by_sms=True)
            ),
        ]
        indexes = [models.Index(fields=["state", "send_at"])]

    def __str__(self) -> str:
        return f"{self.round} {self.purpose} {self.pk}"

    @property
    def sender_name(self) -> str:
        return str(self.county.name if self.county is not None else self.training_office)

    @property
    def channels(self) -> list[str]:
        return [c for c, on in ((Channel.EMAIL, self.by_email), (Channel.SMS, self.by_sms)) if on]

    @property
    def hides_outcome(self) -> bool:
        """A gathering send shows no counts of messages: those picked who had answered get
        none, and the counts would tell who they are (R-L7)."""
        return self.purpose == Purpose.GATHERING

    @property
    def channels_display(self) -> str:
        return " + ".join(str(Channel(c).label) for c in self.channels)


class MessageState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    CLAIMED = "claimed", _("Being prepared")
    HANDING = "handing", _("Being handed to the provider")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent")
    CANCELLED = "cancelled", _("Cancelled")
    # Handed to a provider without idempotency by a worker that died: it may or may not have
    # gone out, so it is never sent again automatically (dispatch_retry --uncertain does).
    UNCERTAIN = "uncertain", _("Uncertain")


class SkipReason(models.TextChoices):
    ANSWERED = "answered", _("Had answered before it was sent")
    NO_ADDRESS = "no_address", _("No valid address when it was sent")
    OPTED_OUT = "opted_out", _("Opted out of SMS")
    OUTSIDE_WINDOW = "outside_window", _("Outside the survey window")
    BAD_NUMBER = "bad_number", _("Not a valid mobile number when it was sent")


# The error of a message whose address or number the provider refused, or that the provider
# could not deliver for good (a hard bounce, a number that does not exist): never tried again.
REFUSED = "refused: "


class Message(models.Model):
    # Also the idempotency key given to the provider and the id of a recorded message.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of their own: the composite indexes below lead with them. Every index is written
    # again at each change of state, three times per message.
    dispatch = models.ForeignKey(
        Dispatch, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    respondent = models.ForeignKey(
        Respondent, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    channel = models.CharField(max_length=5, choices=Channel.choices)
    state = models.CharField(
        max_length=20, choices=MessageState.choices, default=MessageState.PENDING
    )
    skip_reason = models.CharField(max_length=20, choices=SkipReason.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(null=True, blank=True)  # the next try after an error
    # The claim that holds the message and when it was taken (the lease): only the task
    # holding the claim hands it to the provider and marks it.
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "respondent", "channel"], name="one_message_per_channel"
            )
        ]
        indexes = [
            models.Index(fields=["dispatch", "state"]),
            models.Index(fields=["state", "claimed_at"]),
            models.Index(fields=["respondent", "state"]),
            models.Index(fields=["provider_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.pk} {self.state}"
