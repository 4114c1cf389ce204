"""Links, drafts and answers.

LU and LBU answers become anonymous when submitted: an AnonymousResponse has a random id, no
time and no reference to the respondent, only its report class (R-L7). ÅR answers
are identified by law (R-L3) and visible only to the county and office concerned (R-L6)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from portal.models import Company, County, TrainingOffice
from registry_import.models import Trade
from surveys.models.questionnaires import SectionPart
from surveys.models.rounds import Round
from surveys.models.samples import Respondent


class RespondentLink(models.Model):
    """A personal link. Only the SHA-256 of the token is stored; every message carries a fresh
    token, and all of a respondent's tokens lead to the same answers."""

    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # A code printed on a gathering sheet (R-D13): the office that printed it holds it too, so
    # it never shows or submits over what the respondent saved elsewhere (CodeDraft), and it
    # expires with the gathering's day.
    gathering = models.BooleanField(default=False, db_default=False)

    def __str__(self) -> str:
        return f"link {self.pk} for respondent {self.respondent_id}"


class Draft(models.Model):
    """Answers saved page by page until the respondent submits."""

    respondent = models.OneToOneField(Respondent, on_delete=models.CASCADE, related_name="draft")
    answers = models.JSONField(default=dict)
    page = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"draft of respondent {self.respondent_id}"


class CodeDraft(models.Model):
    """Answers saved through a gathering code, by one browser: each browser that opens the
    code starts a draft of its own (`browser` is the SHA-256 of a random key kept in that
    browser's respondent cookie), so whoever else holds the code sees none of it.
    `submitted` says only that this browser has sent its answers (no time)."""

    link = models.ForeignKey(RespondentLink, on_delete=models.CASCADE, related_name="code_drafts")
    browser = models.CharField(max_length=64)
    answers = models.JSONField(default=dict)
    page = models.PositiveSmallIntegerField(default=0)
    submitted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "browser"], name="code_draft_once_per_browser")
        ]

    def __str__(self) -> str:
        return f"code draft of link {self.link_id}"


class AnonymousResponse(models.Model):
    """A submitted LU or LBU answer (R-L7): a random id, the respondent's report class (county
    always; office, trade and, for LU, company and apprentice kind where the class keeps them,
    surveys/services/report_classes.py) and the answers; no time, no counter, no reference to
    the respondent. LBU answers never keep the company. Nothing may refer to it either: each
    submission re-writes it with other answers of its round in random order
    (surveys/services/anonymous.py), so its place in the table tells nothing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="anonymous_responses")
    county = models.ForeignKey(County, on_delete=models.PROTECT)
    training_office = models.ForeignKey(
        TrainingOffice, on_delete=models.SET_NULL, null=True, blank=True
    )
    company = models.ForeignKey(Company, on_delete=models.SET_NULL, null=True, blank=True)
    trade = models.ForeignKey(Trade, on_delete=models.SET_NULL, null=True, blank=True)
    apprentice_kind = models.CharField(max_length=20, blank=True)
    answers = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"anonymous answer {self.pk}"


class IdentifiedResponse(models.Model):
    """One part of an ÅR answer, kept identified (R-L3)."""

    respondent = models.ForeignKey(
        Respondent, on_delete=models.PROTECT, related_name="identified_responses"
    )
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="identified_responses")
    county = models.ForeignKey(County, on_delete=models.PROTECT)
    training_office = models.ForeignKey(
        TrainingOffice, on_delete=models.PROTECT, null=True, blank=True
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, null=True, blank=True)
    part = models.CharField(max_length=20, choices=SectionPart.choices)
    answers = models.JSONField(default=dict)
    # The codes of the questionnaire's plausibility checks the answers failed when submitted.
    flags = models.JSONField(default=list, blank=True)
    # The day in Norway, not the time: a time could be set against the LBU answers of the same
    # hours, as the company's ÅR continues to its LBU in the same link (R-D9, docs/privacy.md).
    submitted_at = models.DateField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["respondent", "part"], name="one_answer_per_part")
        ]

    def __str__(self) -> str:
        return f"ÅR {self.part} answer of respondent {self.respondent_id}"
