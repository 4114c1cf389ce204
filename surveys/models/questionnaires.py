"""Questionnaires as loaded from the versioned files in surveys/questionnaires/."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from surveys.i18n import localized


class SurveyKind(models.TextChoices):
    LU = "LU", _("Lærlingundersøkelsen")
    LBU = "LBU", _("Lærebedriftsundersøkelsen")
    AR = "AR", _("Årlig rapportering")


class Questionnaire(models.Model):
    kind = models.CharField(_("survey"), max_length=3, choices=SurveyKind.choices)
    version = models.PositiveSmallIntegerField(_("version"))  # the year it was introduced
    title = models.JSONField(default=dict)
    information_letter = models.JSONField(default=dict)  # R-L9, per language
    source_file = models.CharField(max_length=200)
    source_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["kind", "version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="one_questionnaire_version")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.version}"

    @property
    def localized_title(self) -> str:
        return localized(self.title)


class Index(models.Model):
    """An index is the mean of its items on the 1–5 scale."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="indexes"
    )
    code = models.CharField(max_length=50)
    name = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="unique_index_code")
        ]

    def __str__(self) -> str:
        return self.code


class SectionPart(models.TextChoices):
    """ÅR has two parts (R-L4); LU and LBU sections have none."""

    NONE = "", _("—")
    DOCUMENTATION = "documentation", _("Documentation questions")
    REPORTING = "reporting", _("Reporting questions")


class Section(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=50)
    title = models.JSONField(default=dict)
    part = models.CharField(max_length=20, choices=SectionPart.choices, blank=True)

    class Meta:
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="unique_section_code")
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} {self.code}"


class QuestionType(models.TextChoices):
    SCALE = "scale", _("Five-step scale")
    YES_NO = "yes_no", _("Yes or no")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Short text")


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=50)  # stable across versions where the series continues
    text = models.JSONField(default=dict)
    help_text = models.JSONField(default=dict, blank=True)
    type = models.CharField(max_length=20, choices=QuestionType.choices)
    required = models.BooleanField(default=False)
    # Scale questions may offer "vet ikke / ikke aktuelt", which is not part of any mean.
    allow_dont_know = models.BooleanField(default=False)
    # [{"code": "...", "text": {"nb": ..., "nn": ..., "en": ...}}] for single and multiple choice.
    choices = models.JSONField(default=list, blank=True)
    min_value = models.IntegerField(null=True, blank=True)
    max_value = models.IntegerField(null=True, blank=True)
    index = models.ForeignKey(
        Index, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    # A follow-up signal (bullying, harassment): an answer here needs attention (R-P6).
    follow_up = models.BooleanField(default=False)
    # The question it continues in the previous version, or a break in the series (R-P3).
    continues = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="continued_by"
    )
    series_break = models.BooleanField(default=False)
    # ÅR reporting questions: the documentation questions whose answers they summarise (R-L4).
    summarises = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["section__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="unique_question_code")
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} {self.code}"

    @property
    def localized_text(self) -> str:
        return localized(self.text)
