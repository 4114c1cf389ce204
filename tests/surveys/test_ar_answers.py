"""The ÅR answers (R-L3, R-L6, R-D1, R-D2): the county sees its offices and the companies that
report to it, an office its member companies, the national level nothing; every view and
download is logged."""

import io

import pytest
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.models import AuditAction, AuditEntry
from surveys.models import IdentifiedResponse, RespondentRole
from tests import register_rows as rows
from tests.surveys.factories import ar_questionnaire, respondent_make, round_make

pytestmark = pytest.mark.django_db


def answer(respondent, part, answers):
    respondent.answered_at = timezone.now()
    respondent.save(update_fields=["answered_at"])
    IdentifiedResponse.objects.create(
        respondent=respondent,
        round=respondent.round,
        county=respondent.county,
        training_office=respondent.training_office,
        company=respondent.company,
        part=part,
        answers=answers,
        submitted_at=respondent.answered_at,
    )


@pytest.fixture
def units(counties, county_a, county_b, office_a, office_b):
    ar = round_make(ar_questionnaire())
    office = respondent_make(ar, county_a, role=RespondentRole.OFFICE, training_office=office_a)
    answer(office, "reporting", {"rap_plan": True, "rap_antall": 7})
    near = rows.company(county_a, name="Nær Elektro AS", office=office_a)
    member = respondent_make(
        ar, county_a, role=RespondentRole.LEADER, company=near, training_office=office_a
    )
    answer(member, "documentation", {"dok_plan": False, "dok_antall": 2})
    far = rows.company(county_b, name="Fjern Rør AS", office=office_a)
    far_member = respondent_make(
        ar, county_b, role=RespondentRole.LEADER, company=far, training_office=office_a
    )
    alone = rows.company(county_a, name="Alene Bygg AS")
    independent = respondent_make(ar, county_a, role=RespondentRole.LEADER, company=alone)
    other = respondent_make(ar, county_b, role=RespondentRole.OFFICE, training_office=office_b)
    return {
        "office": office,
        "member": member,
        "far_member": far_member,
        "independent": independent,
        "other": other,
    }


def list_url(kind, org):
    if kind == "county":
        return reverse("county_ar_answers", args=[org.code])
    return reverse("office_ar_answers", args=[org.orgnr])


def test_the_county_sees_its_offices_and_the_companies_reporting_to_it(
    client, county_a_admin, county_a, units, office_a, django_assert_max_num_queries
):
    client.force_login(county_a_admin)
    with django_assert_max_num_queries(20):
        body = client.get(list_url("county", county_a)).content.decode()
    assert office_a.name in body and "Nær Elektro AS" in body and "Alene Bygg AS" in body
    assert "Fjern Rør AS" not in body  # reports to Oslo, where the company is
    assert "Opplæringskontoret Øst" not in body
    assert "3 enheter: 2 har svart, 1 har ikke svart ennå." in body


def test_the_office_sees_its_member_companies_in_any_county(
    client, office_a_admin, office_a, units
):
    client.force_login(office_a_admin)
    body = client.get(list_url("office", office_a)).content.decode()
    assert "Nær Elektro AS" in body and "Fjern Rør AS" in body
    assert "Alene Bygg AS" not in body
    assert f">{office_a.name}</a>" not in body  # its own report is on its own page


def test_filters_show_who_has_not_answered(client, county_a_admin, county_a, units):
    client.force_login(county_a_admin)
    body = client.get(list_url("county", county_a), {"status": "mangler"}).content.decode()
    assert "Alene Bygg AS" in body and "Nær Elektro AS" not in body
    body = client.get(list_url("county", county_a), {"type": "kontor"}).content.decode()
    assert "Opplæringskontoret Vest" in body and "Alene Bygg AS" not in body
    body = client.get(list_url("county", county_a), {"sok": "nær"}).content.decode()
    assert "Nær Elektro AS" in body and "Alene Bygg AS" not in body


def test_one_answer_sheet_and_its_pdf(client, county_a_admin, county_a, units):
    client.force_login(county_a_admin)
    member = units["member"]
    sheet = client.get(reverse("county_ar_sheet", args=[county_a.code, member.pk]))
    body = sheet.content.decode()
    assert "Nær Elektro AS" in body and "Spørsmål dokumentasjon.1" in body
    assert "<dd>Nei</dd>" in body and "<dd>2</dd>" in body
    assert "Spørsmål rapportering" not in body  # a member company answers documentation only
    pdf = client.get(reverse("county_ar_pdf", args=[county_a.code, member.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert b"N\\346r Elektro AS" in pdf.content or b"Elektro AS" in pdf.content
    actions = list(
        AuditEntry.objects.exclude(action=AuditAction.LOGIN)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.VIEW_IDENTIFIED, AuditAction.DOWNLOAD]
    assert AuditEntry.objects.filter(detail__respondent_id=member.pk).count() == 2


def test_every_answer_as_csv_and_excel(client, county_a_admin, county_a, units, office_a):
    client.force_login(county_a_admin)
    base = list_url("county", county_a)
    text = client.get(f"{base}last-ned/csv/").content.decode("utf-8-sig")
    header, ids, *lines = text.strip().splitlines()
    # The question's text heads its column; its id is in a row of its own, for machines.
    assert header.startswith(
        "Enhet;Organisasjonsnummer;Type;Opplæringskontor;Svart;Svar som bør kontrolleres;"
        "Spørsmål dokumentasjon.1"
    )
    assert "dok_plan" not in header
    assert ids.startswith("Spørsmåls-id;;;;;;dok_plan")
    member = next(line for line in lines if line.startswith("Nær Elektro AS"))
    assert member.endswith(";Nei;2;;")
    office = next(line for line in lines if line.startswith(office_a.name))
    assert office.endswith(";;;Ja;7")
    xlsx = client.get(f"{base}last-ned/xlsx/")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 5
    numbers = [row[-1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert 7 in numbers  # a number answer stays a number in Excel, not text
    assert AuditEntry.objects.filter(action=AuditAction.DOWNLOAD).count() == 2


@pytest.mark.parametrize(
    ("persona", "kind", "org"),
    [
        ("national_admin", "county", "county_a"),
        ("national_admin", "office", "office_a"),
        ("county_b_admin", "county", "county_a"),
        ("office_a_admin", "county", "county_a"),
        ("county_a_admin", "office", "office_a"),
        ("outsider", "county", "county_a"),
    ],
)
def test_outside_the_county_and_the_office_every_route_is_404(
    client, request, persona, kind, org, units
):
    client.force_login(request.getfixturevalue(persona))
    target = request.getfixturevalue(org)
    base = list_url(kind, target)
    respondent = units["member"].pk
    for path in [base, f"{base}{respondent}/", f"{base}{respondent}/pdf/", f"{base}last-ned/csv/"]:
        assert client.get(path).status_code == 404, path
    assert not AuditEntry.objects.filter(
        action__in=[AuditAction.VIEW_IDENTIFIED, AuditAction.DOWNLOAD]
    ).exists()


def test_the_national_level_has_no_route_to_ar_answers():
    names = [name for name in get_resolver().reverse_dict if isinstance(name, str)]
    assert [n for n in names if "ar_" in n and n.startswith("national")] == []
    with pytest.raises(NoReverseMatch):
        reverse("national_ar_answers")


def test_a_unit_of_another_county_is_404_on_the_own_countys_route(
    client, county_a_admin, county_a, units
):
    client.force_login(county_a_admin)
    for unit in ("far_member", "other"):
        url = reverse("county_ar_sheet", args=[county_a.code, units[unit].pk])
        assert client.get(url).status_code == 404
