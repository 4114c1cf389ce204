"""Public pages of the respondents, at short addresses for SMS (/s/<token>/)."""

from django.urls import path

from surveys.views import respond

urlpatterns = [
    path("s/kode/", respond.respond_code, name="respond_code"),
    path("s/<str:token>/", respond.respond_entry, name="respond_entry"),
    path("s/<str:token>/start/", respond.respond_start, name="respond_start"),
    path("s/<str:token>/del/<int:number>/", respond.respond_section, name="respond_section"),
    path("s/<str:token>/send-inn/", respond.respond_send, name="respond_send"),
    path("s/<str:token>/lagret/", respond.respond_saved, name="respond_saved"),
    path("s/<str:token>/uten-samtykke/", respond.respond_no_consent, name="respond_no_consent"),
]
