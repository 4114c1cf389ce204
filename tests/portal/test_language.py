from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_bokmal_is_the_default_whatever_the_browser_asks_for(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    body = response.content.decode()
    assert '<html lang="nb">' in body
    assert "Hopp til hovedinnholdet" in body
    assert response["Content-Language"] == "nb"


@pytest.mark.parametrize(
    ("language", "skip_link", "log_in"),
    [
        ("nn", "Hopp til hovudinnhaldet", "Logg inn"),
        ("en", "Skip to main content", "Log in"),
        ("nb", "Hopp til hovedinnholdet", "Logg inn"),
    ],
)
def test_the_language_switcher_changes_the_language(client, language, skip_link, log_in):
    response = client.post(
        reverse("set_language"), {"language": language, "next": reverse("account_login")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    body = client.get(reverse("account_login")).content.decode()
    assert f'<html lang="{language}">' in body
    assert skip_link in body
    assert f"<h1>{log_in}</h1>" in body


def test_an_unknown_language_cookie_falls_back_to_bokmal(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    assert '<html lang="nb">' in client.get(reverse("account_login")).content.decode()


# The root catalogue and those of the apps that keep their own (dispatch/locale, ...).
CATALOGUES = sorted(
    str(path.relative_to(settings.BASE_DIR))
    for pattern in ("locale/*/LC_MESSAGES/django.po", "*/locale/*/LC_MESSAGES/django.po")
    for path in Path(settings.BASE_DIR).glob(pattern)
    if ".venv" not in path.parts
)


def test_each_app_catalogue_has_bokmal_and_nynorsk():
    assert "locale/nb/LC_MESSAGES/django.po" in CATALOGUES
    assert "dispatch/locale/nn/LC_MESSAGES/django.po" in CATALOGUES
    for path in CATALOGUES:
        for language in ("nb", "nn"):
            assert path.replace("/nb/", f"/{language}/").replace("/nn/", f"/{language}/") in (
                CATALOGUES
            )


@pytest.mark.parametrize("path", CATALOGUES)
def test_every_message_is_translated(path):
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / path))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert len(catalogue) > 50
