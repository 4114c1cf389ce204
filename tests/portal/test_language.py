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


def _catalogues() -> list[Path]:
    """The root catalogue and every app's own (dispatch/locale/, reporting/locale/, ...)."""
    base = Path(settings.BASE_DIR)
    apps = sorted(p for p in base.glob("*/locale") if p.parent.name not in {".venv", "var"})
    return [base / "locale", *apps]


@pytest.mark.parametrize("root", _catalogues(), ids=lambda p: p.parent.name)
@pytest.mark.parametrize("language", ["nb", "nn"])
def test_every_message_is_translated(language, root):
    path = root / language / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(path))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert len(catalogue) > 50
