"""docs/privacy.md is the public privacy page, linked from the README and from the first page
of LU and LBU."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from surveys.models import RespondentRole
from surveys.services.links import link_issue
from tests.surveys.factories import (
    lbu_questionnaire,
    lu_questionnaire,
    open_link,
    respondent_make,
    round_make,
)

pytestmark = pytest.mark.django_db


def test_the_privacy_page_shows_the_document_for_each_survey(client):
    response = client.get(reverse("privacy"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Personvern" in body
    for heading in ("Lærlingundersøkelsen (LU)", "Årlig rapportering (ÅR)", "The close step"):
        assert heading in body
    assert "<table>" in body
    assert 'lang="en"' in body


def test_the_readme_links_the_document():
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
