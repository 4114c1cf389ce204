import re

import pytest
from django.core import mail
from django.test.testcases import TestCase
from django.urls import reverse

from portal.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_by_email_and_password(client, office_a_admin, office_a):
    response = client.post(
        reverse("account_login"), {"login": "LEDER@okvest.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse(
        "office_dashboard", args=[office_a.orgnr]
    )


def test_wrong_password_says_so_in_norwegian(client, county_a_admin):
    response = client.post(
        reverse("account_login"), {"login": county_a_admin.email, "password": "feil-passord"}
    )
    assert response.status_code == 200
    assert "E-postadressen eller passordet er feil." in response.content.decode()


def test_there_is_no_self_sign_up(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "ny@person.test",
            "password1": "Langt-passord-123",
            "password2": "Langt-passord-123",
        },
    )
    assert "Ingen selvregistrering" in response.content.decode()
    assert not User.objects.filter(email="ny@person.test").exists()


def test_logout_is_a_post(client, county_a_admin):
    client.force_login(county_a_admin)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def reset(client, email):
    """Asks for a reset as the page does; the task queued on commit sends the mail."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("account_reset_password"), {"email": email})


def test_password_reset_sends_an_email_whose_link_sets_a_new_password(client, county_a_admin):
    response = reset(client, county_a_admin.email)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [county_a_admin.email]
    assert "Velg nytt passord" in message.subject
    link = re.search(r"https?://\S+", str(message.body)).group(0)
    path = link.split("testserver", 1)[1]

    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    new_password = "et-helt-nytt-passord-2026"
    done = client.post(action, {"password1": new_password, "password2": new_password})
    assert done.status_code == 302

    county_a_admin.refresh_from_db()
    assert county_a_admin.check_password(new_password)
    assert client.login(email=county_a_admin.email, password=new_password)


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client):
    response = reset(client, "ukjent@ingen.test")
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_used_reset_link_is_refused(client, county_a_admin):
    reset(client, county_a_admin.email)
    path = re.search(r"https?://testserver(\S+)", str(mail.outbox[0].body)).group(1)
    page = client.get(path, follow=True)
    action = page.redirect_chain[-1][0] if page.redirect_chain else path
    client.post(action, {"password1": "forste-nye-passord-1", "password2": "forste-nye-passord-1"})
    again = client.get(path, follow=True)
    assert "Lenken virker ikke" in again.content.decode()
