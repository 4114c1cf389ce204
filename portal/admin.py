from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from portal.accounts.admin_access import NationalOnlyAdminMixin
from portal.models import Company, County, Membership, TrainingOffice, User

# The admin's own login form has no rate limit and no two-factor step: its login goes through
# the portal's (allauth) login instead, and back to the admin.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # wraps the admin login


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
    filter_horizontal = ()
    list_filter = ["is_active", "is_staff"]
    inlines = [MembershipInline]


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "valid_from", "valid_to"]
    search_fields = ["code", "name"]


@admin.register(TrainingOffice)
class TrainingOfficeAdmin(NationalOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["orgnr", "name", "county"]
    search_fields = ["orgnr", "name"]
    list_filter = ["county"]


@admin.register(Company)
class CompanyAdmin(NationalOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["orgnr", "name", "county", "training_office"]
    search_fields = ["orgnr", "name"]
    list_filter = ["county"]
    raw_id_fields = ["training_office"]
