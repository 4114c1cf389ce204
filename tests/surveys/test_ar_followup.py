"""ÅR after the answers come in (R-L3, R-L4): plausibility checks that warn the respondent and
flag the answer for the county, the view across units, the receipt, the county's reopening for
correction, and the office's advice to wait for its members."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.models import AuditAction, AuditEntry
from surveys.models import Draft, IdentifiedResponse, RespondentRole
from surveys.plausibility import failed_check_codes, plausibility_warnings
from surveys.questionnaire_files import QuestionnaireFileError, questionnaire_file_parse
from surveys.services.ar_followup import CannotReopen, ar_reopen
from surveys.services.links import link_issue
from tests import register_rows as rows
from tests.surveys.factories import (
    ar_questionnaire,
    post_page,
    post_send,
    respondent_make,
    round_make,
)

pytestmark = pytest.mark.django_db

QUESTIONNAIRES = Path(__file__).resolve().parents[2] / "surveys" / "questionnaires"
MESSAGE = {"nb": "Stemmer tallet?", "nn": "Stemmer talet?", "en": "Is the number right?"}
AT_MOST = {"code": "dok_mange", "question": "dok_antall", "at_most": 50, "message": MESSAGE}


@pytest.fixture
def ar_round(counties):
    questionnaire = ar_questionnaire()
    questionnaire.checks = [AT_MOST]
    questionnaire.save()
    return round_make(questionnaire)


@pytest.fixture
def member(ar_round, county_a, office_a, company_a):
    respondent = respondent_make(
        ar_round,
        county_a,
        role=RespondentRole.LEADER,
        company=company_a,
        training_office=office_a,
    )
    respondent.email, respondent.email_valid = "leder@vestland-elektro.test", True
    respondent.save()
    return respondent


def submitted(respondent, answers, flags=()):
    respondent.answered_at = timezone.now()
    respondent.save(update_fields=["answered_at"])
    IdentifiedResponse.objects.create(
        respondent=respondent,
        round=respondent.round,
        county=respondent.county,
        training_office=respondent.training_office,
        company=respondent.company,
        part="documentation" if respondent.role != RespondentRole.OFFICE else "reporting",
        answers=answers,
        flags=list(flags),
        submitted_at=respondent.answered_at,
    )


# --- The checks in the questionnaire file --------------------------------------------------


def test_the_shipped_questionnaire_has_checks_of_each_kind():
    spec = questionnaire_file_parse(QUESTIONNAIRES / "ar-2018.toml")
    kinds = {("explain" in c, isinstance(c.get("at_most"), str)) for c in spec.checks}
    assert kinds == {(False, True), (False, False), (True, False)}
    leaders = next(c for c in spec.checks if c["code"] == "dok_ledere_opplaert")
    answers = {"dok_faglige_ledere": 2, "dok_faglige_ledere_opplaering": 5}
    assert failed_check_codes(spec.checks, answers) == ["dok_ledere_opplaert"]
    assert failed_check_codes(spec.checks, {**answers, "dok_faglige_ledere": 5}) == []
    assert leaders["message"]["nb"].startswith("Flere faglige ledere")


@pytest.mark.parametrize(
    ("check", "error"),
    [
        ({"question": "dok_antall_laerlinger", "at_most": 5}, "needs a code"),
        ({"code": "x", "question": "dok_plan", "at_most": 5}, "is not a number question"),
        ({"code": "x", "question": "dok_antall_laerlinger", "at_most": "nope"}, "not a number"),
        ({"code": "x", "question": "dok_antall_laerlinger"}, "needs one of at_most"),
        ({"code": "x", "when": "rap_plan", "answer": "no", "explain": "rap_plan"}, "text"),
        ({"code": "x", "question": "dok_antall_laerlinger", "at_most": 5, "typo": 1}, "typo"),
    ],
)
def test_a_wrong_check_refuses_the_file_and_names_the_check(tmp_path, check, error):
    text = (QUESTIONNAIRES / "ar-2018.toml").read_text(encoding="utf-8")
    lines = ["", "[[checks]]"]
    for key, value in check.items():
        lines.append(f"{key} = {value!r}".replace("'", '"'))
    lines += [f'message.{lang} = "{MESSAGE[lang]}"' for lang in ("nb", "nn", "en")]
    (tmp_path / "ar-2018.toml").write_text(text + "\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(QuestionnaireFileError) as refused:
        questionnaire_file_parse(tmp_path / "ar-2018.toml")
    assert str(refused.value).startswith("ar-2018.toml: check ")
    assert error in str(refused.value)


def test_checks_are_refused_outside_ar(tmp_path):
    text = (QUESTIONNAIRES / "lu-2020.toml").read_text(encoding="utf-8")
    extra = '\n[[checks]]\ncode = "x"\nquestion = "a"\nat_most = 1\n'
    (tmp_path / "lu-2020.toml").write_text(text + extra, encoding="utf-8")
    with pytest.raises(QuestionnaireFileError, match="for ÅR only"):
        questionnaire_file_parse(tmp_path / "lu-2020.toml")


def test_an_explanation_is_needed_only_after_the_answer_that_asks_for_it():
    check = {
        "code": "forklar",
        "when": "rap_avvik_fulgt_opp",
        "answer": ["nei"],
        "explain": "rap_tiltak",
        "min_length": 10,
        "message": MESSAGE,
    }
    assert failed_check_codes([check], {"rap_avvik_fulgt_opp": "nei", "rap_tiltak": "ingen"}) == [
        "forklar"
    ]
    long_enough = {"rap_avvik_fulgt_opp": "nei", "rap_tiltak": "Ny opplæringsplan i januar"}
    assert failed_check_codes([check], long_enough) == []
    assert failed_check_codes([check], {"rap_avvik_fulgt_opp": "alle", "rap_tiltak": ""}) == []
    # Not asked in this respondent's part: nothing to check.
    assert plausibility_warnings([check], {}, "nb") == []


# --- The respondent: a warning, not a barrier; the flag for the county --------------------


def test_the_respondent_is_warned_may_still_submit_and_the_answer_is_flagged(client, member):
    token = link_issue(member)
    post_page(client, token, 1, {"dok_plan": "yes", "dok_antall": "80"})
    send = client.get(reverse("respond_send")).content.decode()
    assert "Kontroller disse svarene" in send
    assert "Stemmer tallet?" in send
    assert "#id_q-dok_antall" in send
    assert post_send(client, token).status_code == 302
    answer = IdentifiedResponse.objects.get(respondent=member)
    assert answer.flags == ["dok_mange"]


def test_plausible_answers_get_no_warning_and_no_flag(client, member):
    token = link_issue(member)
    post_page(client, token, 1, {"dok_plan": "yes", "dok_antall": "8"})
    assert "Kontroller disse svarene" not in client.get(reverse("respond_send")).content.decode()
    post_send(client, token)
    assert IdentifiedResponse.objects.get(respondent=member).flags == []


def test_the_county_sees_the_flag_and_filters_on_it(
    client, county_a_admin, county_a, ar_round, member
):
    calm_company = rows.company(county_a, name="Rolig AS")
    calm = respondent_make(ar_round, county_a, role=RespondentRole.LEADER, company=calm_company)
    submitted(member, {"dok_plan": True, "dok_antall": 80}, flags=["dok_mange"])
    submitted(calm, {"rap_plan": True, "rap_antall": 3})
    client.force_login(county_a_admin)
    base = reverse("county_ar_answers", args=[county_a.code])
    flagged = client.get(base, {"kontroll": "flagget"}).content.decode()
    assert "Vestland Elektro AS" in flagged and "Rolig AS" not in flagged
    assert "Svar som bør kontrolleres" in flagged
    sheet = client.get(reverse("county_ar_sheet", args=[county_a.code, member.pk])).content
    assert "Stemmer tallet?" in sheet.decode()
    csv = client.get(f"{base}last-ned/csv/").content.decode("utf-8-sig")
    row = next(line for line in csv.splitlines() if line.startswith("Vestland Elektro AS"))
    assert ";dok_mange;" in row


# --- ÅR across units ------------------------------------------------------------------------


@pytest.fixture
def answered_units(ar_round, county_a, office_a):
    values = [(True, 2), (False, 7), (True, 10), (True, 1)]
    units = []
    for number, (plan, count) in enumerate(values):
        company = rows.company(county_a, name=f"Bedrift {number} AS", office=office_a)
        unit = respondent_make(
            ar_round,
            county_a,
            role=RespondentRole.LEADER,
            company=company,
            training_office=office_a,
        )
        submitted(unit, {"dok_plan": plan, "dok_antall": count})
        units.append(unit)
    respondent_make(
        ar_round,
        county_a,
        role=RespondentRole.LEADER,
        company=rows.company(county_a, name="Treg AS", office=office_a),
        training_office=office_a,
    )
    return units


@pytest.mark.parametrize("persona", ["county", "office"])
def test_the_view_across_units_counts_each_answer_and_sums_the_numbers(
    client, county_a_admin, office_a_admin, county_a, office_a, answered_units, persona
):
    user, url = (
        (county_a_admin, reverse("county_ar_overview", args=[county_a.code]))
        if persona == "county"
        else (office_a_admin, reverse("office_ar_overview", args=[office_a.orgnr]))
    )
    client.force_login(user)
    body = client.get(url).content.decode()
    assert "4 av 5 enheter i dette utvalget har svart." in body
    assert '<th scope="row">Nei</th><td class="num">1</td><td class="num">25 %</td>' in body
    assert '<th scope="row">Ja</th><td class="num">3</td><td class="num">75 %</td>' in body
    assert "<dt>Sum</dt><dd>20</dd>" in body
    assert "<dt>Median</dt><dd>4,5</dd>" in body
    assert AuditEntry.objects.filter(action=AuditAction.VIEW_IDENTIFIED).count() == 1

    xlsx = client.get(f"{url}last-ned/xlsx/")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    found = {(row[1], row[2]): row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert found[("dok_antall", "Sum")] == 20
    assert found[("dok_plan", "Nei")] == 1
    csv = client.get(f"{url}last-ned/csv/").content.decode("utf-8-sig")
    assert "Spørsmål dokumentasjon.1;dok_plan;Ja;3;0,75" in csv
    assert AuditEntry.objects.filter(action=AuditAction.DOWNLOAD).count() == 2


def test_the_view_across_units_follows_the_filters(
    client, county_a_admin, county_a, answered_units
):
    client.force_login(county_a_admin)
    url = reverse("county_ar_overview", args=[county_a.code])
    body = client.get(url, {"sok": "Bedrift 1"}).content.decode()
    assert "1 av 1 enheter i dette utvalget har svart." in body
    assert "<dt>Sum</dt><dd>7</dd>" in body


def test_no_other_county_or_office_reaches_the_view_across_units(
    client, county_b_admin, county_a, office_a, answered_units, outsider
):
    for user in (county_b_admin, outsider):
        client.force_login(user)
        for url in (
            reverse("county_ar_overview", args=[county_a.code]),
            reverse("county_ar_overview_download", args=[county_a.code, "csv"]),
            reverse("office_ar_overview", args=[office_a.orgnr]),
        ):
            assert client.get(url).status_code in (403, 404)


# --- The receipt ------------------------------------------------------------------------------


def test_after_submitting_the_respondent_gets_a_receipt_by_e_mail_and_on_the_page(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    token = link_issue(member)
    post_page(client, token, 1, {"dok_plan": "no", "dok_antall": "3"})
    with django_capture_on_commit_callbacks(execute=True):
        post_send(client, token)
    assert len(mailoutbox) == 1
    receipt = mailoutbox[0]
    assert receipt.to == ["leder@vestland-elektro.test"]
    assert receipt.subject.startswith("Kvittering:")
    file_name, content, kind = receipt.attachments[0]
    assert file_name.endswith(".pdf")
    assert kind == "application/pdf" and content.startswith(b"%PDF")
    state = client.get(reverse("respond_entry")).content.decode()
    assert reverse("respond_receipt") in state
    pdf = client.get(reverse("respond_receipt"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_no_receipt_before_submitting_nor_for_an_address_known_to_be_wrong(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    token = link_issue(member)
    post_page(client, token, 1, {"dok_plan": "no", "dok_antall": "3"})
    assert client.get(reverse("respond_receipt")).status_code == 404
    member.email_valid = False
    member.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post_send(client, token)
    assert len(callbacks) == 1  # the receipt was queued, and its task found no address
    assert mailoutbox == []


# --- Reopening ------------------------------------------------------------------------------


def test_the_county_reopens_with_a_reason_the_answers_return_as_a_draft(
    client, county_a_admin, county_a, member, mailoutbox, django_capture_on_commit_callbacks
):
    submitted(member, {"dok_plan": True, "dok_antall": 80}, flags=["dok_mange"])
    client.force_login(county_a_admin)
    sheet_url = reverse("county_ar_sheet", args=[county_a.code, member.pk])
    assert "Åpne svarene igjen for retting" in client.get(sheet_url).content.decode()
    reopen = reverse("county_ar_reopen", args=[county_a.code, member.pk])

    refused = client.post(reopen, {"begrunnelse": "  "})
    assert refused.status_code == 400
    assert "Skriv hvorfor svarene åpnes igjen." in refused.content.decode()
    assert IdentifiedResponse.objects.filter(respondent=member).exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reopen, {"begrunnelse": "Antallet lærlinger ser ut til å være feil."})
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.answered_at is None
    assert not IdentifiedResponse.objects.filter(respondent=member).exists()
    assert Draft.objects.get(respondent=member).answers == {"dok_plan": True, "dok_antall": 80}
    entry = AuditEntry.objects.get(action=AuditAction.AR_REOPENED)
    assert entry.detail["reason"] == "Antallet lærlinger ser ut til å være feil."
    assert [m.to for m in mailoutbox] == [["leder@vestland-elektro.test"]]
    assert "Antallet lærlinger ser ut til å være feil." in mailoutbox[0].body

    # The respondent corrects and submits again through the same link.
    token = link_issue(member)
    post_page(client, token, 1, {"dok_plan": "yes", "dok_antall": "8"})
    post_send(client, token)
    assert IdentifiedResponse.objects.get(respondent=member).answers["dok_antall"] == 8


def test_reopening_is_refused_after_close_and_twice(county_a_admin, county_a, member):
    submitted(member, {"dok_plan": True, "dok_antall": 3})
    ar_reopen(member, user=county_a_admin, reason="Feil antall")
    with pytest.raises(CannotReopen):
        ar_reopen(member, user=county_a_admin, reason="Igjen")
    submitted(member, {"dok_plan": True, "dok_antall": 3})
    round_ = member.round
    round_.closes_at = timezone.now() - timedelta(days=1)
    round_.save()
    with pytest.raises(CannotReopen, match="avsluttet"):
        ar_reopen(member, user=county_a_admin, reason="For sent")
    assert IdentifiedResponse.objects.filter(respondent=member).count() == 1


def test_only_the_county_reopens(client, office_a_admin, county_b_admin, county_a, member):
    submitted(member, {"dok_plan": True, "dok_antall": 3})
    reopen = reverse("county_ar_reopen", args=[county_a.code, member.pk])
    for user in (office_a_admin, county_b_admin):
        client.force_login(user)
        assert client.post(reopen, {"begrunnelse": "Feil"}).status_code in (403, 404)
    assert IdentifiedResponse.objects.filter(respondent=member).exists()


# --- The office's own ÅR ------------------------------------------------------------------


def test_the_office_is_told_how_many_members_answered_and_advised_to_wait(
    client,
    office_a_admin,
    ar_round,
    county_a,
    office_a,
    member,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    office = respondent_make(
        ar_round, county_a, role=RespondentRole.OFFICE, training_office=office_a
    )
    office.email, office.email_valid = "post@okvest.test", True
    office.save()
    client.force_login(office_a_admin)
    url = reverse("office_annual_report", args=[office_a.orgnr])
    body = client.get(url).content.decode()
    assert "0 av 1 medlemsbedrift har svart på dokumentasjonsspørsmålene." in body
    assert "vi anbefaler å vente" in body
    submitted(member, {"dok_plan": True, "dok_antall": 3})
    body = client.get(url).content.decode()
    assert "1 av 1 medlemsbedrift har svart" in body
    assert "vi anbefaler å vente" not in body

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "submit", "q-rap_plan": "yes", "q-rap_antall": "3"})
    office.refresh_from_db()
    assert office.answered_at is not None
    assert [m.to for m in mailoutbox] == [["post@okvest.test"]]
    receipt = client.get(reverse("office_annual_report_receipt", args=[office_a.orgnr]))
    assert receipt.content.startswith(b"%PDF")
