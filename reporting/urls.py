from collections.abc import Callable

from django.http import HttpResponse
from django.urls import path

from reporting.views import downloads, pdf, research, results, targets
from reporting.views.common import for_county, for_national, for_office

_ORGANISATIONS = [
    ("national", "nasjonalt/resultater/", for_national),
    ("county", "fylke/<str:code>/resultater/", for_county),
    ("office", "kontor/<str:orgnr>/resultater/", for_office),
]
_ROUTES: list[tuple[str, Callable[..., HttpResponse], str]] = [
    ("", results.results_home, "results"),
    ("<int:year>/<slug:kind>/", results.results_round, "results_round"),
    ("<int:year>/<slug:kind>/sporsmal/<slug:item>/", results.results_item, "results_item"),
    ("<slug:kind>/utvikling/", results.results_trends, "results_trends"),
    (
        "<int:year>/<slug:kind>/tabeller/<slug:table>.<str:fmt>",
        downloads.results_table,
        "results_table",
    ),
]
# What a county or an office has beside the results: follow-up and the PDF report.
_OWN_ROUTES: list[tuple[str, Callable[..., HttpResponse], str]] = [
    ("<int:year>/<slug:kind>/enhet/", results.results_switch, "results_switch"),
    ("<int:year>/<slug:kind>/oppfolging/", results.results_followup, "results_followup"),
    ("<int:year>/<slug:kind>/pdf/", pdf.pdf_start, "results_pdf"),
    ("<int:year>/<slug:kind>/pdf/<int:report_id>/", pdf.pdf_status, "results_pdf_status"),
    ("<int:year>/<slug:kind>/pdf/<int:report_id>/rapport.pdf", pdf.pdf_file, "results_pdf_file"),
]

urlpatterns = []
for level, prefix, wrap in _ORGANISATIONS:
    routes = _ROUTES + (_OWN_ROUTES if level != "national" else [])
    for route, view, name in routes:
        urlpatterns.append(path(prefix + route, wrap(view), name=f"{level}_{name}"))

urlpatterns += [
    path(
        "fylke/<str:code>/mal/<int:year>/", for_county(targets.targets_edit), name="county_targets"
    ),
    path(
        "kontor/<str:orgnr>/mal/<int:year>/",
        for_office(targets.targets_edit),
        name="office_targets",
    ),
    path(
        "api/resultater/<int:year>/<slug:kind>/nasjonalt.json",
        downloads.api_national,
        name="api_results_national",
    ),
    path(
        "api/resultater/<int:year>/<slug:kind>/fylke/<str:code>.json",
        downloads.api_county,
        name="api_results_county",
    ),
    path(
        "api/resultater/<int:year>/<slug:kind>/kontor/<str:orgnr>.json",
        downloads.api_office,
        name="api_results_office",
    ),
    path("nasjonalt/forskning/", research.projects, name="research_projects"),
    path("nasjonalt/forskning/<int:pk>/", research.project, name="research_project"),
]
