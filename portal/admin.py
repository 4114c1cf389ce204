from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from portal.models import Company, County, Membership, TrainingOffice, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["county", "training_office"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password"]}),
        ("Status", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "full_name", "password1", "password2"]})]
    filter_horizontal: list[str] = []
    list_filter = ["is_active", "is_staff"]
    inlines = [MembershipInline]


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "valid_from", "valid_to"]
    search_fields = ["code", "name"]


@admin.register(TrainingOffice)
class TrainingOfficeAdmin(admin.ModelAdmin):
    list_display = ["orgnr", "name", "county"]
    search_fields = ["orgnr", "name"]
    list_filter = ["county"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["orgnr", "name", "county", "training_office"]
    search_fields = ["orgnr", "name"]
    list_filter = ["county"]
    raw_id_fields = ["training_office"]
