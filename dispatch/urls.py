from anymail import urls as anymail_urls
from django.urls import URLPattern, include, path

from dispatch import board_views, own_words_views, support_views, views, webhooks


def _anymail_guarded() -> list[URLPattern]:
    """anymail's own webhook URLs, each refused while no webhook secret is configured."""
    return [
        URLPattern(p.pattern, webhooks.secret_required(p.callback), p.default_args, p.name)
        for p in anymail_urls.urlpatterns
        if isinstance(p, URLPattern)
    ]


urlpatterns = [
    path(
        "fylke/<str:code>/utsendelser/",
        views.county_dispatches_latest,
        name="county_dispatches_latest",
    ),
    path(
        "fylke/<str:code>/utsendelser/<int:year>/",
        views.county_dispatches,
        name="county_dispatches",
    ),
    path(
        "fylke/<str:code>/utsendelser/<int:year>/<str:kind>/ny/",
        views.county_dispatch_new,
        name="county_dispatch_new",
    ),
    path(
        "fylke/<str:code>/utsendelser/vis/<int:pk>/", views.county_dispatch, name="county_dispatch"
    ),
    path(
        "fylke/<str:code>/utsendelser/vis/<int:pk>/avbryt/",
        views.county_dispatch_cancel,
        name="county_dispatch_cancel",
    ),
    path(
        "fylke/<str:code>/utsendelser/vis/<int:pk>/prov-igjen/",
        views.county_dispatch_retry,
        name="county_dispatch_retry",
    ),
    path(
        "fylke/<str:code>/utsendelser/registrert/",
        views.county_recorded,
        name="county_dispatch_recorded",
    ),
    path(
        "kontor/<str:orgnr>/utsendelser/",
        views.office_dispatches_latest,
        name="office_dispatches_latest",
    ),
    path(
        "kontor/<str:orgnr>/utsendelser/<int:year>/",
        views.office_dispatches,
        name="office_dispatches",
    ),
    path(
        "kontor/<str:orgnr>/utsendelser/<int:year>/<str:kind>/ny/",
        views.office_dispatch_new,
        name="office_dispatch_new",
    ),
    path(
        "kontor/<str:orgnr>/utsendelser/vis/<int:pk>/",
        views.office_dispatch,
        name="office_dispatch",
    ),
    path(
        "kontor/<str:orgnr>/utsendelser/vis/<int:pk>/avbryt/",
        views.office_dispatch_cancel,
        name="office_dispatch_cancel",
    ),
    path(
        "kontor/<str:orgnr>/utsendelser/vis/<int:pk>/prov-igjen/",
        views.office_dispatch_retry,
        name="office_dispatch_retry",
    ),
    path(
        "kontor/<str:orgnr>/utsendelser/registrert/",
        views.office_recorded,
        name="office_dispatch_recorded",
    ),
    path(
        "kontor/<str:orgnr>/utsendelser/<int:year>/samling/",
        views.office_gathering,
        name="office_gathering",
    ),
    # The sender's own words in the messages of a survey.
    path(
        "fylke/<str:code>/utsendelser/egne-ord/<str:kind>/",
        own_words_views.county_own_words,
        name="county_own_words",
    ),
    path(
        "kontor/<str:orgnr>/utsendelser/egne-ord/<str:kind>/",
        own_words_views.office_own_words,
        name="office_own_words",
    ),
    # The county's board of its training offices (dispatch/office_board.py).
    path(
        "fylke/<str:code>/kontorer/",
        board_views.county_office_board,
        name="county_office_board",
    ),
    path(
        "fylke/<str:code>/kontorer/<str:fmt>/",
        board_views.county_office_board_download,
        name="county_office_board_download",
    ),
    # Support lookup: one respondent's messages, and their personal link sent again.
    path(
        "fylke/<str:code>/brukerstotte/",
        support_views.county_support_lookup,
        name="county_support_lookup",
    ),
    path(
        "fylke/<str:code>/brukerstotte/<int:pk>/",
        support_views.county_support_person,
        name="county_support_person",
    ),
    path(
        "fylke/<str:code>/brukerstotte/<int:pk>/send-lenken/",
        support_views.county_support_resend,
        name="county_support_resend",
    ),
    path(
        "kontor/<str:orgnr>/brukerstotte/",
        support_views.office_support_lookup,
        name="office_support_lookup",
    ),
    path(
        "kontor/<str:orgnr>/brukerstotte/<int:pk>/",
        support_views.office_support_person,
        name="office_support_person",
    ),
    path(
        "kontor/<str:orgnr>/brukerstotte/<int:pk>/send-lenken/",
        support_views.office_support_resend,
        name="office_support_resend",
    ),
    path("webhooks/twilio/status/", webhooks.twilio_status, name="twilio_status"),
    path("webhooks/twilio/innkommende/", webhooks.twilio_inbound, name="twilio_inbound"),
    # anymail's tracking webhooks: /anymail/<esp>/tracking/ (basic auth WEBHOOK_SECRET).
    path("anymail/", include((_anymail_guarded(), anymail_urls.app_name))),
]
