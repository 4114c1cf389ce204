"""Questionnaires in the admin, read-only: they come from the files in surveys/questionnaires/
and change only through `manage.py load_questionnaires`, so that the files stay the one
source of the texts."""

from django.contrib import admin
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from surveys.models.questionnaires import Index, Question, Questionnaire, Section


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class IndexInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Index
    fields = ("code", "localized_name")
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("name"))
    def localized_name(self, obj: Index) -> str:
        return obj.localized_name


class SectionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Section
    fields = ("position", "code", "localized_title", "part")
    readonly_fields = fields
    extra = 0

    @admin.display(description=_("title"))
    def localized_title(self, obj: Section) -> str:
        return obj.localized_title


class QuestionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Question
    fields = ("section", "position", "code", "localized_text", "type", "index", "follow_up")
    readonly_fields = fields
    extra = 0
    show_change_link = True

    @admin.display(description=_("text"))
    def localized_text(self, obj: Question) -> str:
        return obj.localized_text


@admin.register(Questionnaire)
class QuestionnaireAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "localized_title", "question_count", "source_file"]
    list_filter = ["kind"]
    fields = ("kind", "version", "localized_title", "information_letter", "source_file")
    readonly_fields = fields
    inlines = [IndexInline, SectionInline, QuestionInline]

    @admin.display(description=_("title"))
    def localized_title(self, obj: Questionnaire) -> str:
        return obj.localized_title

    @admin.display(description=_("questions"))
    def question_count(self, obj: Questionnaire) -> int:
        return obj.questions.count()


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "questionnaire", "localized_text", "type", "follow_up", "series"]
    list_filter = ["questionnaire", "type", "follow_up", "series_break"]
    search_fields = ["code"]
    list_select_related = ["questionnaire", "continues__questionnaire"]
    readonly_fields = (
        "questionnaire",
        "section",
        "position",
        "code",
        "text",
        "help_text",
        "type",
        "required",
        "allow_dont_know",
        "choices",
        "min_value",
        "max_value",
        "index",
        "follow_up",
        "continues",
        "series_break",
        "summarises",
    )
    fields = readonly_fields

    @admin.display(description=_("text"))
    def localized_text(self, obj: Question) -> str:
        return obj.localized_text

    @admin.display(description=_("series"))
    def series(self, obj: Question) -> str | Promise:
        if obj.continues_id:
            return str(obj.continues)
        return _("breaks the series") if obj.series_break else "—"
