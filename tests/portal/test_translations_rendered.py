"""No page says a message the catalogue cannot translate: every GET route of the permission
matrix (tests/access/matrix.py), and the public pages without arguments, rendered as the first
persona allowed to see it in bokmål and in nynorsk, while a hook on the translation catalogue
records each msgid it was asked for and does not hold. A miss fails the test when its words are
on the page shown; the routes come from the matrix, so a new page is checked the day it gets
its row."""

from __future__ import annotations

import html
import re
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import trans_real

from tests.access.matrix import MATRIX, PERSONAS, PUBLIC
from tests.access.test_permission_matrix import persona_users, world  # noqa: F401

pytestmark = pytest.mark.django_db

LANGUAGES = ("nb", "nn")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\w*\}")
TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)


def persona_of(name: str) -> str | None:
    """The first persona allowed a 200 on the route's GET, or None when none is."""
    entry = MATRIX[name]
    if entry.get != 200:
        return None
    return next((p for p in PERSONAS if p in entry.allowed), None)


GET_ROUTES = sorted(name for name in MATRIX if persona_of(name) is not None)
PUBLIC_ROUTES = sorted(
    name for name in PUBLIC if name in ("home", "accessibility", "help", "privacy")
)


@contextmanager
def recorded_misses():
    """Records (language, msgid) of every lookup in nb or nn that the language's own catalogue
    lacks (a fallback to another language is a miss too)."""
    misses: set[tuple[str, str]] = set()
    original_gettext = trans_real.DjangoTranslation.gettext
    original_ngettext = trans_real.DjangoTranslation.ngettext

    def gettext(self, message):
        if self.language() in LANGUAGES and message and message not in self._catalog:
            misses.add((self.language(), message.split("\x04")[-1]))
        return original_gettext(self, message)

    def ngettext(self, msgid1, msgid2, n):
        if self.language() in LANGUAGES and (msgid1, 0) not in self._catalog:
            misses.add((self.language(), msgid1.split("\x04")[-1]))
            misses.add((self.language(), msgid2))
        return original_ngettext(self, msgid1, msgid2, n)

    setattr(trans_real.DjangoTranslation, "gettext", gettext)  # noqa: B010
    setattr(trans_real.DjangoTranslation, "ngettext", ngettext)  # noqa: B010
    try:
        yield misses
    finally:
        setattr(trans_real.DjangoTranslation, "gettext", original_gettext)  # noqa: B010
        setattr(trans_real.DjangoTranslation, "ngettext", original_ngettext)  # noqa: B010


def shown_text(body: str) -> str:
    """The page's words, tags, scripts and styles left out, entities read, spaces collapsed;
    the attributes a user meets (title, alt, aria-label, placeholder, value) kept."""
    attributes = " ".join(
        re.findall(r'\b(?:title|alt|aria-label|placeholder|value)="([^"]*)"', body)
    )
    return " ".join(html.unescape(TAG.sub(" ", body) + " " + attributes).split())


def is_shown(msgid: str, text: str) -> bool:
    """The msgid's words are on the page: all of them, or with placeholders each literal part
    of three letters or more."""
    parts = [" ".join(part.split()) for part in PLACEHOLDER.split(msgid)]
    parts = [part for part in parts if sum(c.isalpha() for c in part) >= 3]
    return bool(parts) and all(part in text for part in parts)


def page_misses(client, url: str, language: str) -> list[str]:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with recorded_misses() as misses:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    body = response.content.decode()
    assert f'lang="{language}"' in body, url
    text = shown_text(body)
    found = [msgid for lang, msgid in misses if lang == language and is_shown(msgid, text)]
    return sorted(found) + code_leaks(body)


ABBREVIATION = re.compile(r"\b(VIGO|NLR|NOR)\b")
EXPLAINED = re.compile(r'<abbr title="[^"]+">(VIGO|NLR|NOR)</abbr>')
FILE_NAME = re.compile(r"\b[\w-]+\.(?:csv|xlsx|json|md|py|html)\b")
LANGUAGE_CODE = re.compile(r"«(?:nb|nn|en)»|“(?:nb|nn|en)”")


def code_leaks(body: str) -> list[str]:
    """Codes a page shows instead of words: a register's short name without its explanation,
    a file name, a language code."""
    words = " ".join(html.unescape(TAG.sub(" ", body)).split())
    unexplained = " ".join(html.unescape(TAG.sub(" ", EXPLAINED.sub(" ", body))).split())
    leaks = [
        f"{m.group(1)} without <abbr title>: …{unexplained[max(0, m.start() - 40) : m.end() + 20]}…"
        for m in ABBREVIATION.finditer(unexplained)
    ]
    leaks += [f"file name {name}" for name in sorted(set(FILE_NAME.findall(words)))]
    leaks += [f"language code {code}" for code in sorted(set(LANGUAGE_CODE.findall(words)))]
    return leaks


def test_the_hook_sees_a_message_without_translation(client):
    """The hook itself: a msgid no catalogue holds is recorded, one the catalogue holds is not."""
    from django.utils import translation

    with translation.override("nn"), recorded_misses() as misses:
        translation.gettext("A sentence no catalogue of the portal holds")
        translation.gettext("Log in")
    assert ("nn", "A sentence no catalogue of the portal holds") in misses
    assert ("nn", "Log in") not in misses
    assert is_shown("%(n)s dispatches sent", "Status: 3 dispatches sent today")
    assert not is_shown("Send now", "Sendt")
    assert code_leaks("<p>Rett i VIGO: laerebedrifter.csv, teksten på «nb»</p>") == [
        "VIGO without <abbr title>: …Rett i VIGO: laerebedrifter.csv…",
        "file name laerebedrifter.csv",
        "language code «nb»",
    ]
    assert code_leaks('<p>Rett i <abbr title="fylkenes system">VIGO</abbr></p>') == []


@pytest.mark.parametrize("name", GET_ROUTES)
def test_every_matrix_page_is_translated(client, world, persona_users, name):  # noqa: F811
    entry = MATRIX[name]
    url = reverse(name, args=[world[arg] for arg in entry.args]) + entry.query
    user = persona_users[persona_of(name)]
    if user is not None:
        client.force_login(user)
    found = {language: page_misses(client, url, language) for language in LANGUAGES}
    found = {language: misses for language, misses in found.items() if misses}
    assert not found, (name, url, "shown without translation", found)


@pytest.mark.parametrize("name", PUBLIC_ROUTES)
def test_every_public_page_is_translated(client, name):
    url = reverse(name)
    found = {language: page_misses(client, url, language) for language in LANGUAGES}
    found = {language: misses for language, misses in found.items() if misses}
    assert not found, (name, url, "shown without translation", found)
