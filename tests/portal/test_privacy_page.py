"""The privacy page every respondent's first page links to is written for them in bokmål,
nynorsk and English: what is kept, how long, who sees what, whom to ask and their rights, with
no rule ids, table names or file paths. docs/privacy.md is the developers' account, linked from
the README."""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from portal.lib.oslo import oslo_datetime, oslo_today
from surveys.models import RespondentRole, Round
from surveys.services.links import link_issue
from tests import register_rows as rows
from tests.surveys.factories import (
    lbu_questionnaire,
    lu_questionnaire,
    open_link,
    respondent_make,
    round_make,
)

pytestmark = pytest.mark.django_db

WORDS = {
    "nb": ("Hvor lenge", "Hvem som ser hva", "Hvem du kan spørre", "Innsyn", "Retting", "Sletting"),
    "nn": ("Kor lenge", "Kven som ser kva", "Kven du kan spørje", "Innsyn", "Retting", "Sletting"),
    "en": ("How long", "Who sees what", "Whom to ask", "Access", "Correction", "Erasure"),
}


@pytest.mark.parametrize("language", sorted(WORDS))
def test_the_privacy_page_is_written_for_respondents(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("privacy"))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}"' in body
    for words in WORDS[language]:
        assert words in body, words
    assert "Datatilsynet" in body
    assert f"minst {settings.REPORTING_THRESHOLD}" in body or (
        f"at least {settings.REPORTING_THRESHOLD}" in body
    )
    assert str(settings.RETENTION_DAYS_AFTER_CLOSE) in body
    # No rule ids, table names, file paths or settings' names.
    for code in ("R-", "surveys_", ".py", ".md", "RETENTION", "SHA-256", "The close step"):
        assert code not in body, code


def test_the_privacy_page_gives_the_round_s_last_day(client):
    year = oslo_today().year
    rows.rounds(year)
    Round.objects.filter(year=year).update(closes_at=oslo_datetime(date(year + 1, 1, 7)))
    body = client.get(reverse("privacy")).content.decode()
    assert f"6. januar {year + 1}" in body


def test_the_readme_links_the_developers_document():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert "](docs/privacy.md)" in readme


@pytest.mark.parametrize("questionnaire", [lu_questionnaire, lbu_questionnaire])
def test_the_first_page_of_lu_and_lbu_links_the_privacy_page(
    client, counties, county_a, questionnaire
):
    cache.clear()
    respondent = respondent_make(
        round_make(questionnaire()), county_a, role=RespondentRole.APPRENTICE
    )
    start = open_link(client, link_issue(respondent))
    assert start == reverse("respond_start")
    assert f'href="{reverse("privacy")}"' in client.get(start).content.decode()
