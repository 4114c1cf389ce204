from django.contrib import admin
from django.urls import include, path

from portal import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("konto/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("bytt-organisasjon/", views.switch_organisation, name="switch_organisation"),
    path("nasjonalt/", views.national_dashboard, name="national_dashboard"),
    path("fylke/<str:code>/", views.county_dashboard, name="county_dashboard"),
    path("kontor/<str:orgnr>/", views.office_dashboard, name="office_dashboard"),
    path("", include("registry_import.urls")),
    path("", include("surveys.urls")),
    path("", include("surveys.urls_respond")),
    path("", include("reporting.urls")),
    path("tilgjengelighet/", views.accessibility_statement, name="accessibility"),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
