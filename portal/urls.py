from django.contrib import admin
from django.urls import include, path, re_path

from portal import health
from portal.accounts import views as user_views
from portal.accounts.notification_settings import notification_settings
from portal.audit import views as audit_views
from portal.front import help as help_views
from portal.front import views

urlpatterns = [
    path("", views.home, name="home"),
    # Before allauth's urls, which they shadow: no address pages (portal.accounts.addresses).
    path("konto/email/", views.address_pages_removed, name="address_pages_removed"),
    re_path(
        r"^konto/confirm-email/", views.address_pages_removed, name="address_confirm_removed"
    ),
    path("konto/varsler/", notification_settings, name="notification_settings"),
    path("konto/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("bytt-organisasjon/", views.switch_organisation, name="switch_organisation"),
    path("nasjonalt/", views.national_dashboard, name="national_dashboard"),
    path("fylke/<str:code>/", views.county_dashboard, name="county_dashboard"),
    path("kontor/<str:orgnr>/", views.office_dashboard, name="office_dashboard"),
    # User administration (portal/accounts/user_admin.py: who manages whom)
    path("nasjonalt/brukere/", user_views.national_users, name="national_users"),
    path("nasjonalt/brukere/<int:user_id>/", user_views.national_user, name="national_user"),
    path("fylke/<str:code>/brukere/", user_views.county_users, name="county_users"),
    path(
        "fylke/<str:code>/brukere/<int:user_id>/", user_views.county_user, name="county_user"
    ),
    path("kontor/<str:orgnr>/brukere/", user_views.office_users, name="office_users"),
    path(
        "kontor/<str:orgnr>/brukere/<int:user_id>/", user_views.office_user, name="office_user"
    ),
    path(
        "statsforvalter/<str:code>/brukere/",
        user_views.statsforvalter_users,
        name="statsforvalter_users",
    ),
    path(
        "statsforvalter/<str:code>/brukere/<int:user_id>/",
        user_views.statsforvalter_user,
        name="statsforvalter_user",
    ),
    # The audit log, each organisation's own entries; the national level sees all
    path("nasjonalt/logg/", audit_views.national_audit, name="national_audit"),
    path("fylke/<str:code>/logg/", audit_views.county_audit, name="county_audit"),
    path("kontor/<str:orgnr>/logg/", audit_views.office_audit, name="office_audit"),
    path("fylke/<str:code>/kontakt/", views.county_contact, name="county_contact"),
    # Help, open to everyone
    path("hjelp/", help_views.help_page, name="help"),
    path("hjelp/<str:role>/", help_views.guide, name="help_guide"),
    path("", include("registry_import.urls")),
    path("", include("surveys.urls")),
    path("", include("surveys.urls_respond")),
    path("", include("dispatch.urls")),
    path("", include("reporting.urls")),
    path("tilgjengelighet/", views.accessibility_statement, name="accessibility"),
    path("personvern/", views.privacy_statement, name="privacy"),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
handler500 = "portal.front.errors.server_error"
