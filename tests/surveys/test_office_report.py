import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import IdentifiedResponse, RespondentRole
from surveys.services.links import link_issue
from tests import register_rows as rows
from tests.conftest import PASSWORD
from tests.surveys.factories import (
    ar_questionnaire,
    open_link,
    respondent_make,
    round_make,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ar_round(counties):
    return round_make(ar_questionnaire())


@pytest.fixture
def office_respondent(ar_round, county_a, office_a):
    return respondent_make(
        ar_round, county_a, role=RespondentRole.OFFICE, training_office=office_a, name="Leder"
    )


def member_answers(ar_round, county_a, office_a, answers: list[dict | None]):
    """One member company per entry; None for a company that has not answered."""
    for given in answers:
        company = rows.company(county_a, office=office_a)
        member = respondent_make(
            ar_round,
            county_a,
            role=RespondentRole.LEADER,
            company=company,
            training_office=office_a,
        )
        if given is not None:
            IdentifiedResponse.objects.create(
                respondent=member,
                round=ar_round,
                county=county_a,
                training_office=office_a,
                company=company,
                part="documentation",
                answers=given,
                submitted_at=timezone.now(),
            )


def page_url(office):
    return reverse("office_annual_report", args=[office.orgnr])


def test_the_office_sees_each_reporting_question_beside_its_members_answers(
    client, office_a_admin, office_a, ar_round, county_a, office_respondent
):
    member_answers(
        ar_round,
        county_a,
        office_a,
        [
            {"dok_plan": True, "dok_antall": 3},
            {"dok_plan": True, "dok_antall": 4},
            {"dok_plan": False, "dok_antall": 0},
            None,
        ],
    )
    client.login(email=office_a_admin.email, password=PASSWORD)
    body = client.get(page_url(office_a)).content.decode()
    assert "Årlig rapportering" in body
    assert "Dette svarte medlemsbedriftene" in body
    assert "2 av 4 medlemsbedrifter svarte «Ja»" in body
    assert "1 av 4 medlemsbedrifter svarte «Nei»" in body
    assert "1 har ikke svart" in body
    assert "3 av 4 medlemsbedrifter svarte; summen er 7" in body
    assert 'name="q-rap_plan"' in body
    assert 'name="q-dok_plan"' not in body


def test_the_office_saves_then_submits_and_is_recorded_as_the_submitter(
    client, office_a_admin, office_a, office_respondent
):
    client.login(email=office_a_admin.email, password=PASSWORD)
    url = page_url(office_a)
    saved = client.post(url, {"action": "save", "q-rap_plan": "yes"})
    assert saved.status_code == 302
    assert 'value="yes" id="id_q-rap_plan_0" checked' in client.get(url).content.decode()
    # The same draft is what the office's personal link shows.
    token = link_issue(office_respondent)
    assert open_link(client, token).endswith("/del/1/")

    missing = client.post(url, {"action": "submit", "q-rap_plan": "yes"})
    assert missing.status_code == 200
    assert 'href="#id_q-rap_antall"' in missing.content.decode()
    assert not IdentifiedResponse.objects.exists()

    client.post(url, {"action": "submit", "q-rap_plan": "yes", "q-rap_antall": "12"})
    answer = IdentifiedResponse.objects.get()
    assert answer.respondent == office_respondent
    assert answer.part == "reporting"
    assert answer.answers == {"rap_plan": True, "rap_antall": 12}
    assert answer.submitted_by == office_a_admin
    body = client.get(url).content.decode()
    assert "Sendt inn" in body and office_a_admin.email in body
    assert 'name="q-rap_plan"' not in body


def test_an_office_without_an_ar_round_is_told_so(client, office_a_admin, office_a, counties):
    client.login(email=office_a_admin.email, password=PASSWORD)
    body = client.get(page_url(office_a)).content.decode()
    assert "ikke bedt om å svare på Årlig rapportering" in body


@pytest.mark.parametrize("user", ["county_a_admin", "national_admin", "outsider", "office_b_admin"])
def test_no_one_but_the_office_reaches_its_annual_report(
    client, request, office_a, office_b, office_respondent, user
):
    if user == "office_b_admin":
        from portal.models import Membership, Role, User

        person = User.objects.create_user("leder@okost.test", PASSWORD)
        Membership.objects.create(user=person, role=Role.OFFICE, training_office=office_b)
    else:
        person = request.getfixturevalue(user)
    client.login(email=person.email, password=PASSWORD)
    assert client.get(page_url(office_a)).status_code == 404
    assert client.post(page_url(office_a), {"action": "save"}).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, office_a, office_respondent):
    response = client.get(page_url(office_a))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
