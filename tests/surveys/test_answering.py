import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys.models import AnonymousResponse, Draft, IdentifiedResponse, RespondentRole
from surveys.services.links import link_issue, link_path
from surveys.services.report_classes import report_classes_assign
from tests import register_rows as rows
from tests.surveys.factories import (
    ar_questionnaire,
    form_key,
    lbu_questionnaire,
    lu_questionnaire,
    open_link,
    post_page,
    post_send,
    post_start,
    respondent_make,
    round_make,
    section_url,
)

pytestmark = pytest.mark.django_db

SCALE_LABELS = [
    "Ikke i det hele tatt",
    "I liten grad",
    "I noen grad",
    "I stor grad",
    "I svært stor grad",
]


@pytest.fixture
def lu_round(counties):
    return round_make(lu_questionnaire())


@pytest.fixture
def apprentice(lu_round, county_a, office_a, company_a):
    return respondent_make(
        lu_round, county_a, training_office=office_a, company=company_a, apprentice_kind="laerling"
    )


# --- The pages ---------------------------------------------------------------------------------


def test_a_section_page_shows_the_part_progress_and_the_scale_with_fieldsets(client, apprentice):
    open_link(client, link_issue(apprentice))
    response = client.get(section_url(1))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Del 1 av 3" in body
    assert '<progress max="3" value="1"' in body
    assert body.count("<fieldset") == 2
    assert "<legend>Spørsmål laering.1" in body
    for label in [*SCALE_LABELS, "Vet ikke / ikke aktuelt"]:
        assert label in body
    assert body.count("Vet ikke / ikke aktuelt") == 1  # only the question that offers it
    assert "<script" not in body  # nothing needs JavaScript
    assert 'name="action" value="back"' in body


def test_pages_follow_the_language_switcher_with_questionnaire_texts_in_that_language(
    client, apprentice
):
    open_link(client, link_issue(apprentice))
    client.post(reverse("set_language"), {"language": "en", "next": section_url(1)})
    body = client.get(section_url(1)).content.decode()
    assert "Part 1 of 3" in body
    assert "Not at all" in body
    assert "Part laering" in body  # the section title's English text
    client.post(reverse("set_language"), {"language": "nn", "next": section_url(1)})
    body = client.get(section_url(1)).content.decode()
    assert '<html lang="nn">' in body
    assert "Spørsmål laering.1 (nn)" in body


def test_voluntary_questions_may_be_left_empty(client, apprentice):
    token = link_issue(apprentice)
    response = post_page(client, token, 1, {})
    assert response.status_code == 302
    assert response["Location"] == section_url(2)


def test_save_and_resume_through_a_new_link_lands_on_the_next_page_with_answers_kept(
    client, apprentice
):
    first = link_issue(apprentice)
    post_page(client, first, 1, {"lu_a": "4", "lu_b": "2"})
    client.cookies.clear()  # another day, another phone

    newer = link_issue(apprentice)
    assert open_link(client, newer) == section_url(2)
    page_one = client.get(section_url(1)).content.decode()
    assert 'value="4" id="id_q-lu_a_3" checked' in page_one
    assert 'value="2" id="id_q-lu_b_1" checked' in page_one
    assert Draft.objects.get(respondent=apprentice).answers == {"lu_a": 4, "lu_b": 2}


def test_back_and_forward_both_save_and_lose_nothing(client, apprentice):
    token = link_issue(apprentice)
    post_page(client, token, 1, {"lu_a": "dk"})
    back = post_page(client, token, 2, {"lu_c": "yes", "lu_d": "y"}, action="back")
    assert back["Location"] == section_url(1)
    assert 'value="dk" id="id_q-lu_a_5" checked' in client.get(back["Location"]).content.decode()
    forward = post_page(client, token, 1, {"lu_a": "dk"})
    page_two = client.get(forward["Location"]).content.decode()
    assert 'value="yes" id="id_q-lu_c_0" checked' in page_two
    assert 'value="y" id="id_q-lu_d_1" checked' in page_two
    # Back from the first part leads to the information letter.
    assert post_page(client, token, 1, {}, action="back")["Location"] == reverse("respond_start")
    assert Draft.objects.get(respondent=apprentice).answers == {
        "lu_c": True,
        "lu_d": "y",
    }


def test_save_and_continue_later_says_how_to_come_back(client, apprentice):
    token = link_issue(apprentice)
    response = post_page(client, token, 2, {"lu_c": "no"}, action="later")
    assert response["Location"] == reverse("respond_saved")
    body = client.get(response["Location"]).content.decode()
    assert "Svarene dine er lagret" in body
    assert open_link(client, token) == section_url(2)


def test_a_wrong_number_is_shown_beside_the_question_and_nothing_is_lost(client, apprentice):
    token = link_issue(apprentice)
    response = post_page(client, token, 3, {"lu_f": "tusen", "lu_g": "Fint"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_q-lu_f"' in body
    assert 'aria-invalid="true"' in body
    assert "Fint" in body
    assert not Draft.objects.exists()


def test_the_send_page_says_lu_answers_are_anonymous_and_submitting_stores_them_so(
    client, apprentice, settings
):
    # A classmate in the same company, trade and kind: their report class keeps it all.
    settings.REPORTING_THRESHOLD = 2
    respondent_make(
        apprentice.round,
        apprentice.county,
        training_office=apprentice.training_office,
        company=apprentice.company,
        apprentice_kind="laerling",
    )
    report_classes_assign(apprentice.round)
    token = link_issue(apprentice)
    post_page(client, token, 1, {"lu_a": "5"})
    post_page(client, token, 3, {"lu_e": ["m1", "m3"], "lu_f": "3", "lu_g": " Bra "})
    send = client.get(reverse("respond_send")).content.decode()
    assert "Svarene dine er anonyme" in send
    assert "1 av 2 spørsmål besvart" in send

    response = post_send(client, token)
    assert response["Location"] == reverse("respond_entry")
    stored = AnonymousResponse.objects.get()
    assert stored.answers == {"lu_a": 5, "lu_e": ["m1", "m3"], "lu_f": 3, "lu_g": "Bra"}
    assert (stored.county, stored.training_office, stored.company) == (
        apprentice.county,
        apprentice.training_office,
        apprentice.company,
    )
    assert stored.apprentice_kind == "laerling"
    apprentice.refresh_from_db()
    assert apprentice.answered_at is not None
    assert not Draft.objects.exists()
    assert "Takk for svarene dine" in client.get(reverse("respond_entry")).content.decode()
    # Submitting again changes nothing.
    post_send(client, token)
    assert AnonymousResponse.objects.count() == 1


def test_a_respondent_page_takes_at_most_3_queries_per_get_and_few_per_post(client, apprentice):
    # Earlier answers in the round, so the submission mixes them in (R-L7).
    AnonymousResponse.objects.bulk_create(
        AnonymousResponse(round=apprentice.round, county=apprentice.county, answers={})
        for _ in range(25)
    )
    token = link_issue(apprentice)
    post_page(client, token, 1, {"lu_a": "3"})
    key = form_key(token)
    for method, path, data, most in [
        ("get", link_path(token), None, 3),
        ("get", reverse("respond_entry"), None, 3),
        ("get", reverse("respond_start"), None, 3),
        ("get", section_url(2), None, 3),
        ("post", section_url(2), {"respondent": key, "action": "next", "q-lu_c": "yes"}, 3),
        ("get", reverse("respond_send"), None, 3),
        ("post", reverse("respond_send"), {"respondent": key}, 10),
    ]:
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(path, data) if data else client.get(path)
        assert response.status_code in (200, 302), path
        assert len(queries) <= most, (method, path, [q["sql"] for q in queries])
    assert AnonymousResponse.objects.count() == 26


# --- LBU and consent (R-L5) --------------------------------------------------------------------


@pytest.fixture
def leader(county_a, company_a, office_a):
    return respondent_make(
        round_make(lbu_questionnaire()),
        county_a,
        role=RespondentRole.LEADER,
        company=company_a,
        training_office=office_a,
    )


def test_lbu_starts_with_the_information_letter_and_the_consent_question(client, leader):
    token = link_issue(leader)
    start = open_link(client, token)
    body = client.get(start).content.decode()
    assert "bygger på samtykke" in body
    assert "<legend>Vil du være med i Lærebedriftsundersøkelsen?</legend>" in body
    assert client.get(section_url(1))["Location"] == start
    missing = post_start(client, token, {}).content.decode()
    assert "Velg om du vil være med." in missing
    assert 'href="#id_consent_0"' in missing


def test_without_consent_nothing_of_lbu_is_stored(client, leader):
    token = link_issue(leader)
    start = reverse("respond_start")
    response = post_start(client, token, {"consent": "no"})
    assert response["Location"] == reverse("respond_no_consent")
    assert "Ingenting av det du svarte" in client.get(response["Location"]).content.decode()
    # A page posted anyway is not saved.
    post_page(client, token, 1, {"lbu_a": "3"})
    post_send(client, token)
    leader.refresh_from_db()
    assert leader.consent_given_at is None
    assert leader.answered_at is None
    assert not Draft.objects.exists()
    assert not AnonymousResponse.objects.exists()
    # The link still works to change one's mind.
    assert open_link(client, token) == start


def test_withdrawing_consent_before_submitting_deletes_the_draft(client, leader):
    token = link_issue(leader)
    post_start(client, token, {"consent": "yes"})
    post_page(client, token, 1, {"lbu_a": "3"})
    assert Draft.objects.filter(respondent=leader).exists()
    post_start(client, token, {"consent": "no"})
    leader.refresh_from_db()
    assert leader.consent_given_at is None
    assert not Draft.objects.exists()


def test_with_consent_lbu_answers_are_stored_anonymously(client, leader):
    token = link_issue(leader)
    response = post_start(client, token, {"consent": "yes"})
    assert response["Location"] == section_url(1)
    leader.refresh_from_db()
    assert leader.consent_given_at is not None
    post_page(client, token, 1, {"lbu_a": "2", "lbu_b": "5"})
    post_send(client, token)
    assert AnonymousResponse.objects.get().answers == {"lbu_a": 2, "lbu_b": 5}
    leader.refresh_from_db()
    assert leader.answered_at is not None
    assert leader.consent_given_at is not None


# --- ÅR (R-L3, R-L4, R-D9) ---------------------------------------------------------------------


@pytest.fixture
def ar_round(counties):
    return round_make(ar_questionnaire())


def test_member_companies_see_documentation_questions_and_the_others_reporting(
    client, ar_round, county_a, office_a, company_a
):
    independent = rows.company(county_a)
    cases = [
        (dict(role=RespondentRole.LEADER, company=company_a, training_office=office_a), "dok"),
        (dict(role=RespondentRole.LEADER, company=independent), "rap"),
        (dict(role=RespondentRole.OFFICE, training_office=office_a), "rap"),
    ]
    for fields, prefix in cases:
        token = link_issue(respondent_make(ar_round, county_a, **fields))
        assert open_link(client, token) == section_url(1)
        body = client.get(section_url(1)).content.decode()
        assert "Del 1 av 1" in body
        other = "rap" if prefix == "dok" else "dok"
        assert f"q-{prefix}_plan" in body
        assert f"q-{other}_plan" not in body


def test_ar_questions_are_required_and_the_page_lists_what_is_missing(
    client, ar_round, county_a, company_a, office_a
):
    member = respondent_make(
        ar_round,
        county_a,
        role=RespondentRole.LEADER,
        company=company_a,
        training_office=office_a,
    )
    token = link_issue(member)
    response = post_page(client, token, 1, {"dok_plan": "yes"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Feil:" in body
    assert 'class="error-summary" role="alert"' in body
    assert 'href="#id_q-dok_antall"' in body
    assert "Dette spørsmålet må besvares." in body
    assert 'href="#id_q-dok_plan_0"' not in body
    # Going back is allowed with questions unanswered, and saves what was given.
    assert post_page(client, token, 1, {"dok_plan": "yes"}, action="back").status_code
    assert Draft.objects.get(respondent=member).answers == {"dok_plan": True}
    send = client.get(reverse("respond_send")).content.decode()
    assert "Må besvares: Spørsmål dokumentasjon.2" in send
    assert f"{section_url(1)}#id_q-dok_antall" in send
    assert "ikke anonym" in send
    refused = post_send(client, token)
    assert refused.status_code == 200
    assert not IdentifiedResponse.objects.exists()


def test_a_company_answers_ar_then_goes_on_to_lbu_in_the_same_link(
    client, ar_round, county_a, company_a, office_a
):
    lbu = respondent_make(
        round_make(lbu_questionnaire()),
        county_a,
        role=RespondentRole.LEADER,
        company=company_a,
        training_office=office_a,
    )
    ar = respondent_make(
        ar_round,
        county_a,
        role=RespondentRole.LEADER,
        company=company_a,
        training_office=office_a,
        continues_to=lbu,
    )
    token = link_issue(ar)
    ar_key = form_key(token)
    post_page(client, token, 1, {"dok_plan": "no", "dok_antall": "2"})
    done = post_send(client, token)
    assert done["Location"] == reverse("respond_entry")

    identified = IdentifiedResponse.objects.get()
    assert (identified.respondent, identified.part) == (ar, "documentation")
    assert identified.answers == {"dok_plan": False, "dok_antall": 2}
    assert identified.submitted_by is None

    start = client.get(reverse("respond_entry"))["Location"]
    assert start == reverse("respond_start")
    body = client.get(start).content.decode()
    assert "Årlig rapportering er sendt inn" in body
    assert "Vil du være med i Lærebedriftsundersøkelsen?" in body

    # The ÅR page sent again from the browser's history does not land in LBU.
    post_start(client, token, {"consent": "yes"})
    stale = post_page(client, token, 1, {"dok_plan": "yes"}, key=ar_key)
    assert stale["Location"] == reverse("respond_entry")
    assert not Draft.objects.filter(respondent=lbu).exists()
    post_page(client, token, 1, {"lbu_a": "4"})
    post_send(client, token)
    assert AnonymousResponse.objects.get().answers == {"lbu_a": 4}
    assert "Takk for svarene dine" in client.get(reverse("respond_entry")).content.decode()
