"""Questionnaires as loaded from the versioned files in surveys/questionnaires/."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from surveys.i18n import localized


class SurveyKind(models.TextChoices):
    LU = "LU", _("Lærlingundersøkelsen")
    LBU = "LBU", _("Lærebedriftsundersøkelsen")
    AR = "AR", _("Årlig rapportering")


class ScaleStep(models.IntegerChoices):
    """The five steps of every scale question; an index is the mean of these values."""

    NOT_AT_ALL = 1, _("Not at all")
    SMALL = 2, _("To a small extent")
    SOME = 3, _("To some extent")
    LARGE = 4, _("To a large extent")
    VERY_LARGE = 5, _("To a very large extent")


# Offered on scale questions with allow_dont_know; never part of a mean.
DONT_KNOW_LABEL = _("Don't know / not applicable")


class Questionnaire(models.Model):
    kind = models.CharField(_("survey"), max_length=3, choices=SurveyKind.choices)
    version = models.PositiveSmallIntegerField(_("version"))  # the year it was introduced
    title = models.JSONField(_("title"), default=dict)
    information_letter = models.JSONField(_("information letter"), default=dict)  # R-L9
    # ÅR plausibility checks from the file's [[checks]] (surveys.plausibility).
    checks = models.JSONField(_("plausibility checks"), default=list, blank=True)
    source_file = models.CharField(_("source file"), max_length=200)
    source_sha256 = models.CharField(_("SHA-256 of the source file"), max_length=64)

    class Meta:
        ordering = ["kind", "version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="one_questionnaire_version")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.version}"

    @property
    def localized_title(self) -> str:
        return localized(self.title)

    @property
    def localized_information_letter(self) -> str:
        return localized(self.information_letter)


class Index(models.Model):
    """An index is the mean of its items on the 1–5 scale."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="indexes",
        verbose_name=_("questionnaire"),
    )
    code = models.CharField(_("code"), max_length=50)
    name = models.JSONField(_("name"), default=dict)

    class Meta:
        verbose_name = _("index")
        verbose_name_plural = _("indexes")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="unique_index_code")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def localized_name(self) -> str:
        return localized(self.name)


class SectionPart(models.TextChoices):
    """ÅR has two parts (R-L4); LU and LBU sections have none."""

    NONE = "", _("—")
    DOCUMENTATION = "documentation", _("Documentation questions")
    REPORTING = "reporting", _("Reporting questions")


class Section(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("questionnaire"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=50)
    title = models.JSONField(_("title"), default=dict)
    part = models.CharField(_("part"), max_length=20, choices=SectionPart.choices, blank=True)

    class Meta:
        ordering = ["questionnaire", "position"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="unique_section_code")
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} {self.code}"

    @property
    def localized_title(self) -> str:
        return localized(self.title)


class QuestionType(models.TextChoices):
    SCALE = "scale", _("Five-step scale")
    YES_NO = "yes_no", _("Yes or no")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Short text")


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("questionnaire"),
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="questions", verbose_name=_("section")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    # Stable across versions where the series continues; answers refer to questions by code.
    code = models.CharField(_("code"), max_length=50)
    text = models.JSONField(_("text"), default=dict)
    help_text = models.JSONField(_("help text"), default=dict, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    required = models.BooleanField(_("required"), default=False)
    # Scale questions may offer "vet ikke / ikke aktuelt", which is not part of any mean.
    allow_dont_know = models.BooleanField(_("offers “don't know”"), default=False)
    # [{"code": "...", "text": {"nb": ..., "nn": ..., "en": ...}}] for single and multiple choice.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    min_value = models.IntegerField(_("smallest number"), null=True, blank=True)
    max_value = models.IntegerField(_("largest number"), null=True, blank=True)
    index = models.ForeignKey(
        Index,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("index"),
    )
    # A follow-up signal (bullying, harassment, discrimination): a "yes" here needs attention
    # (R-P6).
    follow_up = models.BooleanField(_("needs follow-up"), default=False)
    # The question it continues in the previous version, or a break in the series (R-P3).
    continues = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continued_by",
        verbose_name=_("continues"),
    )
    series_break = models.BooleanField(_("breaks the series"), default=False)
    # ÅR reporting questions: the documentation questions whose answers they summarise (R-L4).
    summarises = models.JSONField(_("summarises"), default=list, blank=True)

    class Meta:
        ordering = ["section__position", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="unique_question_code")
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} {self.code}"

    @property
    def localized_text(self) -> str:
        return localized(self.text)
