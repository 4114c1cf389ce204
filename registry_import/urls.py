from django.urls import path

from registry_import import views

urlpatterns = [
    path("nasjonalt/registerimport/", views.import_list, name="import_list"),
    path("nasjonalt/registerimport/<int:run_id>/", views.import_run, name="import_run"),
    path(
        "nasjonalt/registerimport/<int:run_id>/avvik.csv",
        views.import_run_issues_csv,
        name="import_run_issues_csv",
    ),
]
