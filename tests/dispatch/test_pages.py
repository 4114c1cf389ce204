"""The dispatch pages: who may reach them (404 outside the user's organisations), the preview,
sending, progress, gathering mode and the recorded messages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dispatch.audience import Sender
from dispatch.models import Dispatch, RecordedMessage
from portal.models import AuditAction, AuditEntry
from tests.dispatch.helpers import send

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)


@pytest.fixture
def county_dispatch(year, county_a, django_capture_on_commit_callbacks):
    return send(django_capture_on_commit_callbacks, year.lu, Sender(county=county_a))


@pytest.fixture
def office_dispatch(year, office_a, django_capture_on_commit_callbacks):
    return send(django_capture_on_commit_callbacks, year.ar, Sender(office=office_a))


def routes(year, county_a, office_a, county_dispatch, office_dispatch):
    """(url, method, persona allowed) for every route of the dispatch pages."""
    y = year.lu.year
    c, o = county_a.code, office_a.orgnr
    return [
        (reverse("county_dispatches_latest", args=[c]), "get", "county"),
        (reverse("county_dispatches", args=[c, y]), "get", "county"),
        (reverse("county_dispatch_new", args=[c, y, "lu"]), "get", "county"),
        (reverse("county_dispatch_new", args=[c, y, "lu"]), "post", "county"),
        (reverse("county_dispatch", args=[c, county_dispatch.pk]), "get", "county"),
        (reverse("county_dispatch_cancel", args=[c, county_dispatch.pk]), "post", "county"),
        (reverse("county_dispatch_recorded", args=[c]), "get", "county"),
        (reverse("office_dispatches_latest", args=[o]), "get", "office"),
        (reverse("office_dispatches", args=[o, y]), "get", "office"),
        (reverse("office_dispatch_new", args=[o, y, "ar"]), "get", "office"),
        (reverse("office_dispatch_new", args=[o, y, "ar"]), "post", "office"),
        (reverse("office_dispatch", args=[o, office_dispatch.pk]), "get", "office"),
        (reverse("office_dispatch_cancel", args=[o, office_dispatch.pk]), "post", "office"),
        (reverse("office_dispatch_recorded", args=[o]), "get", "office"),
        (reverse("office_gathering", args=[o, y]), "get", "office"),
        (reverse("office_gathering", args=[o, y]), "post", "office"),
    ]


def test_every_route_answers_its_own_organisation_only(
    client,
    year,
    county_a,
    office_a,
    county_dispatch,
    office_dispatch,
    county_a_admin,
    county_b_admin,
    office_a_admin,
    national_admin,
    outsider,
):
    personas = {
        "county": county_a_admin,
        "office": office_a_admin,
        "county_b": county_b_admin,
        "national": national_admin,
        "outsider": outsider,
    }
    for url, method, allowed in routes(year, county_a, office_a, county_dispatch, office_dispatch):
        client.logout()
        anonymous = getattr(client, method)(url)
        assert anonymous.status_code == 302 and "/konto/login/" in anonymous["Location"], url
        for name, user in personas.items():
            _login(client, user)
            status = getattr(client, method)(url).status_code
            if name == allowed:
                assert status in (200, 302), (url, method, name, status)
            else:
                assert status == 404, (url, method, name, status)


def test_a_dispatch_of_another_organisation_is_a_404_even_under_ones_own_address(
    client, county_a_admin, county_a, office_dispatch
):
    _login(client, county_a_admin)
    url = reverse("county_dispatch", args=[county_a.code, office_dispatch.pk])
    assert client.get(url).status_code == 404


def test_the_county_previews_then_sends_and_watches_the_progress(
    client, county_a_admin, county_a, year, django_capture_on_commit_callbacks
):
    _login(client, county_a_admin)
    url = reverse("county_dispatch_new", args=[county_a.code, year.lu.year, "lu"])
    form = {
        "purpose": "invitation",
        "by_email": "on",
        "by_sms": "on",
        "language": "nb",
        "when": "now",
    }
    preview = client.post(url, form | {"preview": "1"})
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "Forhåndsvisning" in body and "Lærlingundersøkelsen" in body
    assert "https://undersokelse.test/s/" in body
    assert "GSM" in body and "segment" in body
    assert not Dispatch.objects.exists()  # a preview sends nothing
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, form | {"send": "1"})
    dispatch = Dispatch.objects.get()
    assert sent["Location"] == reverse("county_dispatch", args=[county_a.code, dispatch.pk])
    assert RecordedMessage.objects.count() == 4
    detail = client.get(sent["Location"]).content.decode()
    assert '<progress id="dispatch-bar" max="100" value="100">' in detail
    fragment = client.get(sent["Location"], HTTP_HX_REQUEST="true")
    assert fragment.status_code == 286  # htmx stops polling: the dispatch has finished
    entry = AuditEntry.objects.get(action=AuditAction.DISPATCH_CREATED)
    assert entry.user == county_a_admin
    recorded = client.get(reverse("county_dispatch_recorded", args=[county_a.code]))
    assert "/s/" in recorded.content.decode()


def test_a_curly_quote_is_named_as_the_character_that_forces_ucs2(
    client, county_a_admin, county_a, year
):
    from surveys.models import Respondent

    Respondent.objects.filter(round=year.lu).update(name="Ja’far Hansen")
    _login(client, county_a_admin)
    url = reverse("county_dispatch_new", args=[county_a.code, year.lu.year, "lu"])
    form = {"purpose": "invitation", "by_sms": "on", "language": "nb", "when": "now"}
    body = client.post(url, form | {"preview": "1"}).content.decode()
    assert "UCS-2" in body and "“’”" in body


def test_gathering_sheet_has_a_code_and_qr_for_each_and_the_codes_end_with_the_day(
    client, office_a_admin, office_a, year
):
    from dispatch.services.gathering import gathering_ends
    from surveys.models import RespondentLink

    _login(client, office_a_admin)
    url = reverse("office_gathering", args=[office_a.orgnr, year.lu.year])
    page = client.get(url).content.decode()
    chosen = [year.people["lu_a_member"].pk, year.people["lu_b_of_office_a"].pk]
    assert all(f'name="respondent" value="{pk}"' in page for pk in chosen)
    other = year.people["lu_b"].pk  # office B's apprentice
    assert f'name="respondent" value="{other}"' not in page
    sheet = client.post(url, {"respondent": [*chosen, other], "action": "print"})
    body = sheet.content.decode()
    assert body.count("<svg") == 2
    assert body.count('class="code"') == 2
    codes = RespondentLink.objects.filter(respondent_id__in=chosen)
    assert codes.count() == 2 and all(c.gathering for c in codes)
    assert {c.expires_at for c in codes} == {gathering_ends()}


def test_the_front_page_panel_and_navigation_entry_are_registered_for_senders(
    rf, year, county_a, office_a, county_a_admin
):
    from portal.accounts.access import Scope
    from portal.front.panels import nav_for, panels_for
    from portal.models import Role

    county = Scope(role=Role.COUNTY, county=county_a)
    request = rf.get("/")
    request.user = county_a_admin
    panel = next(p for p in panels_for(request, county) if p.key == "dispatch")
    assert "Lærlingundersøkelsen" in panel.html and "SMS" in panel.html
    assert ("dispatch", "Dispatches", f"/fylke/{county_a.code}/utsendelser/") in nav_for(county)
    office = Scope(role=Role.OFFICE, office=office_a)
    assert f"/kontor/{office_a.orgnr}/utsendelser/" in [url for _k, _l, url in nav_for(office)]
    assert "dispatch" not in [key for key, _l, _u in nav_for(Scope(role=Role.NATIONAL))]


def test_the_recorded_messages_page_exists_only_with_a_recording_backend(
    client, county_a_admin, county_a, settings
):
    client.force_login(county_a_admin)
    url = reverse("county_dispatch_recorded", args=[county_a.code])
    assert client.get(url).status_code == 200
    settings.DISPATCH_EMAIL_BACKEND = "django"
    settings.SMS_BACKEND = "twilio"
    assert client.get(url).status_code == 404


def test_the_page_that_orders_a_dispatch_proposes_the_next_reminder(
    client, county_a_admin, county_a, year, county_dispatch
):
    _login(client, county_a_admin)
    url = reverse("county_dispatch_new", args=[county_a.code, year.lu.year, "lu"])
    body = client.get(url).content.decode()
    assert "Neste påminnelse" in body
    # The invitation went out today: the planner names a day at least a week on, and why.
    assert "SMS-utsendelser igjen" in body and "dager til stenging" in body


def test_the_year_page_and_the_order_page_stay_within_twenty_queries(
    client, county_a_admin, county_a, year, county_dispatch, django_assert_max_num_queries
):
    _login(client, county_a_admin)
    client.get(reverse("county_dispatches", args=[county_a.code, year.lu.year]))  # session set
    for url in (
        reverse("county_dispatches", args=[county_a.code, year.lu.year]),
        reverse("county_dispatch_new", args=[county_a.code, year.lu.year, "lu"]),
    ):
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200
