from django.urls import path

from surveys.views import office_report, quality, rounds, samples

urlpatterns = [
    path("nasjonalt/runder/", rounds.national_rounds, name="national_rounds"),
    path(
        "nasjonalt/runder/<int:year>/<str:kind>/",
        rounds.national_round_edit,
        name="national_round_edit",
    ),
    path(
        "fylke/<str:code>/runder/<int:year>/lbu/",
        rounds.county_lbu_choice,
        name="county_lbu_choice",
    ),
    path("fylke/<str:code>/utvalg/", samples.county_samples_latest, name="county_samples_latest"),
    path("fylke/<str:code>/utvalg/<int:year>/", samples.county_samples_year, name="county_samples"),
    path(
        "fylke/<str:code>/utvalg/<int:year>/<str:kind>/utelatt/",
        samples.county_exclusions_page,
        name="county_exclusions",
    ),
    path("fylke/<str:code>/kvalitet/", quality.quality_report, name="county_quality"),
    path(
        "fylke/<str:code>/kvalitet/kvalitetsrapport.xlsx",
        quality.quality_report_xlsx,
        name="county_quality_xlsx",
    ),
    path(
        "fylke/<str:code>/kvalitet/<slug:category>.csv",
        quality.quality_report_csv,
        name="county_quality_csv",
    ),
    path(
        "kontor/<str:orgnr>/arlig-rapportering/",
        office_report.office_annual_report,
        name="office_annual_report",
    ),
]
