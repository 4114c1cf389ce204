"""Letters and handouts for the respondents (R-L9): the county and the office read and print the
information letters of LU and LBU and a handout with the code address and its QR code, in the
respondents' three languages, as pages and PDFs; nobody else reaches them."""

import io

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from tests.surveys.factories import lbu_questionnaire, lu_questionnaire, round_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds(counties):
    return {"lu": round_make(lu_questionnaire()), "lbu": round_make(lbu_questionnaire())}


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_county_finds_every_letter_and_handout_in_three_languages(
    client, county_a_admin, county_a, rounds
):
    client.force_login(county_a_admin)
    body = client.get(reverse("county_materials", args=[county_a.code])).content.decode()
    assert "Informasjon til dem som skal svare" in body
    for slug, round_ in rounds.items():
        year = round_.year
        for language in ("nb", "nn", "en"):
            letter = reverse("county_materials_letter", args=[county_a.code, year, slug])
            handout = reverse("county_materials_handout", args=[county_a.code, year, slug])
            assert f'href="{letter}?sprak={language}"' in body
            assert f'href="{handout}?sprak={language}"' in body
    front = client.get(reverse("county_dashboard", args=[county_a.code])).content.decode()
    assert reverse("county_materials", args=[county_a.code]) in front  # in the navigation


def test_a_letter_is_the_questionnaire_letter_in_the_language_asked_for(
    client, county_a_admin, county_a, rounds
):
    client.force_login(county_a_admin)
    questionnaire = rounds["lu"].questionnaire
    questionnaire.information_letter = {
        "nb": "Hei lærling.\n\nSvar innen fristen.",
        "nn": "Hei lærling på nynorsk.\n\nSvar innan fristen.",
        "en": "Hello apprentice.\n\nAnswer in time.",
    }
    questionnaire.save()
    url = reverse("county_materials_letter", args=[county_a.code, rounds["lu"].year, "lu"])
    nynorsk = client.get(url, {"sprak": "nn"}).content.decode()
    assert 'lang="nn"' in nynorsk and "Hei lærling på nynorsk." in nynorsk
    assert "<p>Svar innan fristen.</p>" in nynorsk
    english_pdf = client.get(f"{url}pdf/", {"sprak": "en"})
    assert english_pdf["Content-Type"] == "application/pdf"
    assert "Hello apprentice." in pdf_text(english_pdf.content)
    # An unknown language falls back to bokmål rather than failing.
    assert "Hei lærling." in client.get(url, {"sprak": "xx"}).content.decode()


def test_the_handout_gives_the_code_address_and_its_qr_code(
    client, office_a_admin, office_a, rounds
):
    client.force_login(office_a_admin)
    url = reverse("office_materials_handout", args=[office_a.orgnr, rounds["lu"].year, "lu"])
    address = f"http://testserver{reverse('respond_code')}"
    body = client.get(url, {"sprak": "nb"}).content.decode()
    assert f'<p class="handout-address">{address}</p>' in body
    assert "<svg" in body
    assert "ingen kan se hva du har svart" in body
    english = client.get(url, {"sprak": "en"}).content.decode()
    assert "nobody can see what you answered" in english
    pdf = client.get(f"{url}pdf/", {"sprak": "nn"})
    text = pdf_text(pdf.content)
    assert address in text.replace("\n", "")
    assert "Skann QR-koden" in text


def test_lbu_handout_speaks_of_consent(client, county_a_admin, county_a, rounds):
    client.force_login(county_a_admin)
    url = reverse("county_materials_handout", args=[county_a.code, rounds["lbu"].year, "lbu"])
    assert "Du blir først spurt om samtykke." in client.get(url).content.decode()


def test_unknown_surveys_years_and_formats_are_not_found(
    client, county_a_admin, county_a, rounds
):
    client.force_login(county_a_admin)
    year = rounds["lu"].year
    for url in (
        reverse("county_materials_letter", args=[county_a.code, year, "ar"]),
        reverse("county_materials_letter", args=[county_a.code, year - 5, "lu"]),
        reverse("county_materials_letter_file", args=[county_a.code, year, "lu", "docx"]),
    ):
        assert client.get(url).status_code == 404


def test_every_guide_to_the_results_is_there_in_three_languages(client):
    for role in ("resultater-fylke", "resultater-kontor", "resultater-nasjonalt"):
        url = reverse("help_guide", args=[role])
        for language, word in (("nb", "Resultatene"), ("nn", "Resultata"), ("en", "The results")):
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            body = client.get(url).content.decode()
            assert f"<h1>{word}" in body, (role, language)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    help_page = client.get(reverse("help")).content.decode()
    assert reverse("help_guide", args=["resultater-fylke"]) in help_page
