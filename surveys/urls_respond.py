"""Public pages of the respondents. The personal link (/s/<token>/, short for SMS) opens a
session and leads on to addresses without the token (surveys/respondent_session.py)."""

from django.urls import path

from surveys.views import respond

urlpatterns = [
    path("s/", respond.respond_entry, name="respond_entry"),
    path("s/kode/", respond.respond_code, name="respond_code"),
    path("s/start/", respond.respond_start, name="respond_start"),
    path("s/del/<int:number>/", respond.respond_section, name="respond_section"),
    path("s/send-inn/", respond.respond_send, name="respond_send"),
    path("s/lagret/", respond.respond_saved, name="respond_saved"),
    path("s/kvittering/", respond.respond_receipt, name="respond_receipt"),
    path("s/uten-samtykke/", respond.respond_no_consent, name="respond_no_consent"),
    # Last: every fixed address above wins over a token.
    path("s/<str:token>/", respond.respond_link, name="respond_link"),
]
