"""What the recording backends keep instead of sending, SMS opt-outs, and the inbound SMS
already handled (a replayed webhook is recognised by its message id)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from surveys.models import Round


class RecordedMessage(models.Model):
    """A message a recording backend would have sent. `message_id` is the outbox message's id:
    recording the same message twice keeps one row, so a re-sent message is recorded once."""

    message_id = models.UUIDField(unique=True)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, null=True, blank=True)
    channel = models.CharField(max_length=5)
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    html = models.TextField(blank=True)
    # The SMS segments the text goes in, measured as the preview measures it (0 for e-mail).
    segments = models.PositiveSmallIntegerField(default=0)
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("recorded message")
        verbose_name_plural = _("recorded messages")

    def __str__(self) -> str:
        return f"{self.channel} to {self.to}"


class SmsOptOut(models.Model):
    """A mobile number that answered STOP: no later SMS goes there."""

    mobile = models.CharField(max_length=32, unique=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("SMS opt-out")
        verbose_name_plural = _("SMS opt-outs")

    def __str__(self) -> str:
        return self.mobile


class InboundSms(models.Model):
    """The provider's id of every inbound SMS handled; the text and number are not kept."""

    message_sid = models.CharField(max_length=64, unique=True)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.message_sid
