from django.urls import path

from surveys.views import annual_reports, office_report, quality, rate_pages, rounds, samples

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
    # Response rates (R-D5)
    path(
        "fylke/<str:code>/svarprosent/",
        rate_pages.county_response_rates,
        name="county_response_rates",
    ),
    path(
        "fylke/<str:code>/svarprosent/<str:fmt>/",
        rate_pages.county_response_rates_download,
        name="county_response_rates_download",
    ),
    path(
        "kontor/<str:orgnr>/svarprosent/",
        rate_pages.office_response_rates,
        name="office_response_rates",
    ),
    path(
        "kontor/<str:orgnr>/svarprosent/<str:fmt>/",
        rate_pages.office_response_rates_download,
        name="office_response_rates_download",
    ),
    # ÅR answers (R-L3, R-L6): counties and offices only, never national
    path(
        "fylke/<str:code>/arlig-rapportering/",
        annual_reports.county_ar_answers,
        name="county_ar_answers",
    ),
    path(
        "fylke/<str:code>/arlig-rapportering/<int:respondent_id>/",
        annual_reports.county_ar_sheet,
        name="county_ar_sheet",
    ),
    path(
        "fylke/<str:code>/arlig-rapportering/<int:respondent_id>/pdf/",
        annual_reports.county_ar_pdf,
        name="county_ar_pdf",
    ),
    path(
        "fylke/<str:code>/arlig-rapportering/last-ned/<str:fmt>/",
        annual_reports.county_ar_download,
        name="county_ar_download",
    ),
    path(
        "kontor/<str:orgnr>/arlig-rapportering/medlemmer/",
        annual_reports.office_ar_answers,
        name="office_ar_answers",
    ),
    path(
        "kontor/<str:orgnr>/arlig-rapportering/medlemmer/<int:respondent_id>/",
        annual_reports.office_ar_sheet,
        name="office_ar_sheet",
    ),
    path(
        "kontor/<str:orgnr>/arlig-rapportering/medlemmer/<int:respondent_id>/pdf/",
        annual_reports.office_ar_pdf,
        name="office_ar_pdf",
    ),
    path(
        "kontor/<str:orgnr>/arlig-rapportering/medlemmer/last-ned/<str:fmt>/",
        annual_reports.office_ar_download,
        name="office_ar_download",
    ),
]
