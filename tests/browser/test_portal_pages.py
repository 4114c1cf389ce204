"""The ordering portal in a real browser: a county administrator logs in with an authenticator
app and walks the front page, the response rates and the ÅR answers; an office administrator
adds a user. Every page is checked against WCAG 2.1 AA with axe."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from portal.models import User
from surveys.models import AnonymousResponse, IdentifiedResponse, ReportClass, RespondentRole
from tests import register_rows as reg
from tests.browser.conftest import axe_violations, follow, log_in, screenshot
from tests.conftest import PASSWORD
from tests.surveys.factories import (
    ar_questionnaire,
    lu_questionnaire,
    respondent_make,
    round_make,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_year(counties, county_a, office_a):
    lu = round_make(lu_questionnaire())
    ar = round_make(ar_questionnaire())
    answered = timezone.now()
    # One report class that keeps the office: the response rates count per class.
    report_class = ReportClass.objects.create(round=lu, county=county_a, training_office=office_a)
    for n in range(12):
        respondent_make(
            lu,
            county_a,
            training_office=office_a,
            report_class=report_class,
            answered_at=answered if n < 5 else None,
        )
    AnonymousResponse.objects.bulk_create(
        AnonymousResponse(round=lu, county=county_a, training_office=office_a) for _ in range(5)
    )
    member = reg.company(county_a, name="Fjordelektro AS", office=office_a)
    unit = respondent_make(
        ar,
        county_a,
        role=RespondentRole.LEADER,
        company=member,
        training_office=office_a,
        answered_at=answered,
    )
    IdentifiedResponse.objects.create(
        respondent=unit,
        round=ar,
        county=county_a,
        training_office=office_a,
        company=member,
        part="documentation",
        answers={"dok_plan": True, "dok_antall": 4},
        submitted_at=answered,
    )
    respondent_make(ar, county_a, role=RespondentRole.OFFICE, training_office=office_a)
    return lu, ar


def test_a_county_admin_logs_in_with_two_factors_and_follows_the_autumn(
    page, county_a_admin, county_a, open_year
):
    page.goto("/konto/login/")
    page.get_by_label("E-postadresse").fill(county_a_admin.email)
    page.get_by_label("Passord").fill(PASSWORD)
    follow(page.get_by_role("button", name="Logg inn"))
    assert page.url.endswith("/konto/2fa/authenticate/")
    assert page.get_by_role("heading", level=1).inner_text() == "Tofaktorinnlogging"
    assert axe_violations(page) == []
    from tests.browser.conftest import type_totp_code

    type_totp_code(page, county_a_admin.email)
    assert page.url.endswith("/fylke/46/")
    assert "Hva skal gjøres nå" in page.content()
    assert page.get_by_role("navigation", name="Sidene til 46 Vestland").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "county-front-page.png")

    page.get_by_role("navigation", name="Sidene til 46 Vestland").get_by_role(
        "link", name="Svarprosent"
    ).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Svarprosent")
    table = page.get_by_role("table", name=re.compile("fordelt på Opplæringskontor"))
    assert "42 %" in table.inner_text()  # 5 of 12
    assert page.locator("svg[role=img]").count() == 1
    assert axe_violations(page) == []
    follow(page.get_by_role("columnheader", name=re.compile("Svarprosent")).get_by_role("link"))
    assert "sorter=prosent" in page.url
    assert axe_violations(page) == []

    follow(
        page.get_by_role("navigation", name="Sidene til 46 Vestland").get_by_role(
            "link", name="ÅR-svar"
        )
    )
    assert "2 enheter: 1 har svart, 1 har ikke svart ennå." in page.content()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Fjordelektro AS").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Fjordelektro AS"
    assert axe_violations(page) == []
    assert page.console_errors == []


def test_the_two_factor_pages_meet_wcag_aa(page, county_a_admin):
    log_in(page, county_a_admin.email, PASSWORD)
    page.get_by_role("link", name="Tofaktorinnlogging").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Tofaktorinnlogging"
    assert axe_violations(page) == []
    page.goto("/hjelp/")
    assert axe_violations(page) == []


def test_an_office_admin_adds_a_user(page_factory, office_a_admin, office_a):
    page = page_factory(width=320)
    log_in(page, office_a_admin.email, PASSWORD)
    page.get_by_role("link", name="Brukere").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Brukere – {office_a.name}"
    assert axe_violations(page) == []
    page.get_by_label("E-postadresse").fill("ny.kollega@okvest.test")
    page.get_by_label("Navn").fill("Ny Kollega")
    page.get_by_role("button", name="Legg til bruker").click()
    assert "ny.kollega@okvest.test har fått tilgang og en e-post for å velge passord." in (
        page.get_by_role("status").inner_text()
    )
    assert "Invitert, har ikke valgt passord" in page.content()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    user = User.objects.get(email="ny.kollega@okvest.test")
    assert user.memberships.get().training_office == office_a
    assert [m.to for m in mail.outbox] == [["ny.kollega@okvest.test"]]

    follow(page.get_by_role("link", name="ny.kollega@okvest.test"))
    assert axe_violations(page) == []
    page.get_by_role("button", name="Deaktiver brukeren").click()
    user.refresh_from_db()
    assert not user.is_active
    assert page.console_errors == []


def test_a_county_admin_adds_a_security_key_and_logs_in_with_it(page, county_a_admin):
    from allauth.mfa.models import Authenticator

    # Chromium's virtual authenticator stands in for the key: a real FIDO2 exchange, signed by
    # the browser, checked by allauth's WebAuthn server code.
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    log_in(page, county_a_admin.email, PASSWORD)
    page.goto("/konto/2fa/webauthn/add/")
    if "/reauthenticate/" in page.url:
        page.get_by_label("Passord").fill(PASSWORD)
        page.get_by_role("button", name="Bekreft").click()
    page.get_by_label(re.compile("Navn på nøkkelen")).fill("Nøkkelring")
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Legg til nøkkelen").click()
    keys = Authenticator.objects.filter(user=county_a_admin, type=Authenticator.Type.WEBAUTHN)
    assert [key.wrap().name for key in keys] == ["Nøkkelring"]

    page.context.clear_cookies()
    page.goto("/konto/login/")
    page.get_by_label("E-postadresse").fill(county_a_admin.email)
    page.get_by_label("Passord").fill(PASSWORD)
    follow(page.get_by_role("button", name="Logg inn"))
    assert page.url.endswith("/konto/2fa/authenticate/")
    with page.expect_navigation():
        page.get_by_role("button", name="Bruk en sikkerhetsnøkkel").click()
    assert page.url.endswith("/fylke/46/")
    assert page.console_errors == []


@pytest.mark.parametrize("width", [360, 1280])
def test_the_ar_overview_meets_wcag_aa(page_factory, county_a_admin, open_year, width):
    page = page_factory(width=width)
    log_in(page, county_a_admin.email, PASSWORD)
    response = page.goto("/fylke/46/arlig-rapportering/oversikt/")
    assert response.status == 200
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"ar-overview-{width}.png")
    assert page.console_errors == []
