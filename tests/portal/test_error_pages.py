"""Pages for what went wrong speak the reader's language, like every other page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults

pytestmark = pytest.mark.django_db


def test_a_page_that_does_not_exist_says_so_in_bokmal(client):
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Siden finnes ikke" in body and 'lang="nb"' in body
    assert "Not Found" not in body


@pytest.mark.parametrize(
    ("language", "words"),
    [("nb", "Du har ikke tilgang til denne siden"), ("nn", "Du har ikkje tilgang til denne sida")],
)
def test_a_page_without_access_says_so_in_the_readers_language(language, words, admin_user):
    request = RequestFactory().get("/fylke/46/kontorer/")
    request.user = admin_user
    with translation.override(language):
        response = defaults.permission_denied(request, PermissionDenied())
    body = response.content.decode()
    assert response.status_code == 403
    assert words in body and "403 Forbidden" not in body


def test_an_error_says_so_in_bokmal():
    with translation.override("nb"):
        response = defaults.server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Noe gikk galt" in body and 'lang="nb"' in body
