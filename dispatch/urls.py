from anymail import urls as anymail_urls
from django.urls import URLPattern, include, path

from dispatch import views, webhooks


def _anymail_guarded() -> list[URLPattern]:
    """anymail's own webhook URLs, each refused while no webhook secret is configured."""
    return [
        URLPattern(p.pattern, webhooks.secret_required(p.callback), p.default_args, p.name)
        for p in anymail_urls.urlpatterns
        if isinstance(p, URLPattern)
    ]


urlpatterns = []
for prefix, org in (("county", "fylke/<str:code>"), ("office", "kontor/<str:orgnr>")):
    v = views.__dict__
    urlpatterns += [
        path(
            f"{org}/utsendelser/",
            v[f"{prefix}_dispatches_latest"],
            name=f"{prefix}_dispatches_latest",
        ),
        path(
            f"{org}/utsendelser/<int:year>/", v[f"{prefix}_dispatches"], name=f"{prefix}_dispatches"
        ),
        path(
            f"{org}/utsendelser/<int:year>/<str:kind>/ny/",
            v[f"{prefix}_dispatch_new"],
            name=f"{prefix}_dispatch_new",
        ),
        path(
            f"{org}/utsendelser/vis/<int:pk>/", v[f"{prefix}_dispatch"], name=f"{prefix}_dispatch"
        ),
        path(
            f"{org}/utsendelser/vis/<int:pk>/avbryt/",
            v[f"{prefix}_dispatch_cancel"],
            name=f"{prefix}_dispatch_cancel",
        ),
        path(
            f"{org}/utsendelser/registrert/",
            v[f"{prefix}_recorded"],
            name=f"{prefix}_dispatch_recorded",
        ),
    ]
urlpatterns += [
    path(
        "kontor/<str:orgnr>/utsendelser/<int:year>/samling/",
        views.office_gathering,
        name="office_gathering",
    ),
    path("webhooks/twilio/status/", webhooks.twilio_status, name="twilio_status"),
    path("webhooks/twilio/innkommende/", webhooks.twilio_inbound, name="twilio_inbound"),
    # anymail's tracking webhooks: /anymail/<esp>/tracking/ (basic auth WEBHOOK_SECRET).
    path("anymail/", include((_anymail_guarded(), anymail_urls.app_name))),
]
