"""The register in Django's admin, for ops: to look up, not to edit. The register comes from
VIGO extracts and is corrected there (R-C2); an edit here would be overwritten by the next
import. The apprentice's pseudonym is not shown: it is useless to a person and is the one link
to an identity number."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.accounts.admin_access import NationalOnlyAdminMixin
from registry_import.models import (
    Apprentice,
    Contract,
    ImportRun,
    ProfessionalLeader,
    Trade,
)
from registry_import.services import format_report


class ReadOnlyAdmin(NationalOnlyAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Trade)
class TradeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(ProfessionalLeader)
class ProfessionalLeaderAdmin(ReadOnlyAdmin):
    list_display = [
        "register_id",
        "first_name",
        "last_name",
        "company",
        "email_valid",
        "in_register",
    ]
    list_select_related = ["company"]
    search_fields = ["register_id", "first_name", "last_name", "company__orgnr", "company__name"]
    list_filter = ["in_register", "email_valid", "mobile_valid"]
    raw_id_fields = ["company"]


@admin.register(Apprentice)
class ApprenticeAdmin(ReadOnlyAdmin):
    list_display = ["first_name", "last_name", "email_valid", "mobile_valid"]
    search_fields = ["first_name", "last_name"]
    list_filter = ["email_valid", "mobile_valid"]
    exclude = ["pseudonym"]


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = [
        "register_id",
        "apprentice",
        "kind",
        "status",
        "company",
        "county",
        "in_register",
    ]
    list_select_related = ["apprentice", "company", "county"]
    search_fields = ["register_id", "company__orgnr", "company__name"]
    list_filter = ["status", "kind", "in_register", "county"]
    raw_id_fields = ["apprentice", "company", "training_office", "professional_leader", "trade"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "status",
        "survey_year",
        "source",
        "dry_run",
        "started_by",
        "finished_at",
    ]
    list_select_related = ["started_by"]
    list_filter = ["status", "survey_year", "source", "dry_run"]
    fields = (
        "created_at",
        "started_at",
        "finished_at",
        "started_by",
        "source",
        "dry_run",
        "survey_year",
        "status",
        "extract_sha256",
        "report",
    )
    readonly_fields = fields

    @admin.display(description=_("report"))
    def report(self, run: ImportRun) -> str:
        return format_html("<pre>{}</pre>", format_report(run))
