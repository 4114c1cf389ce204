"""The county's office board (dispatch/office_board.py): a row per office located in the county
with its users, the dispatches that reached it, its LU response rate hidden as the rate pages
hide it, its ÅR and its members' ÅR; sorting, downloads, the audit log and who may see it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from demo.portal_users import valid_orgnr
from dispatch.models import Dispatch, DispatchState, Message, MessageState, Purpose
from dispatch.office_board import office_board, rows_sorted
from portal.models import AuditAction, AuditEntry, Company, Membership, Role, TrainingOffice
from surveys.models import ReportClass, Respondent, RespondentRole
from tests.surveys.factories import (
    ar_questionnaire,
    lu_questionnaire,
    respondent_make,
    round_make,
)

pytestmark = pytest.mark.django_db


def apprentices(round_, county, office, n, answered):
    """n apprentices of `office` in one report class that keeps the office, `answered` of them
    answered."""
    company = Company.objects.create(
        orgnr=valid_orgnr(98100000 + Company.objects.count()),
        name=f"Bedrift {office.name}",
        county=county,
        training_office=office,
    )
    report_class = ReportClass.objects.create(
        round=round_, county=county, training_office=office, company=company
    )
    when = timezone.now() - timedelta(days=1)
    return [
        respondent_make(
            round_,
            county,
            training_office=office,
            company=company,
            report_class=report_class,
            answered_at=when if i < answered else None,
        )
        for i in range(n)
    ]


def dispatch_to(round_, county, respondents, *, state=MessageState.SENT, cancelled=False):
    dispatch = Dispatch.objects.create(
        round=round_,
        county=county,
        purpose=Purpose.INVITATION,
        by_email=True,
        send_at=timezone.now(),
        state=DispatchState.CANCELLED if cancelled else DispatchState.DONE,
    )
    for respondent in respondents:
        Message.objects.create(
            dispatch=dispatch, respondent=respondent, channel="email", state=state
        )
    return dispatch


@pytest.fixture
def office_c(county_a):
    return TrainingOffice.objects.create(
        orgnr=valid_orgnr(97000002),
        name="Aust Opplæringskontor",
        county=county_a,
        email="dagleg@aust.test",
        email_valid=True,
        manager_name="Dagleg Leiar",
    )


@pytest.fixture
def autumn(county_a, county_b, office_a, office_b, office_c, office_a_admin):
    """Vestland's offices A (10 LU, 6 answered; its own ÅR answered, 1 of 3 members) and C (6
    LU, 2 answered: hidden; no user); Oslo's office B, which the board never shows."""
    lu = round_make(lu_questionnaire())
    ar = round_make(ar_questionnaire())
    now = timezone.now()
    a = apprentices(lu, county_a, office_a, 10, 6)
    c = apprentices(lu, county_a, office_c, 6, 2)
    # Apprentices of independent companies, in a class that kept only the county: the row
    # that keeps office C's count from being worked out of the total.
    independent = ReportClass.objects.create(round=lu, county=county_a)
    for i in range(12):
        respondent_make(lu, county_a, report_class=independent, answered_at=now if i < 6 else None)
    apprentices(lu, county_b, office_b, 8, 8)
    own_ar = respondent_make(
        ar, county_a, role=RespondentRole.OFFICE, training_office=office_a, answered_at=now
    )
    respondent_make(ar, county_a, role=RespondentRole.OFFICE, training_office=office_c)
    for i in range(3):
        respondent_make(
            ar,
            county_a,
            role=RespondentRole.LEADER,
            training_office=office_a,
            answered_at=now if i == 0 else None,
        )
    # Two LU dispatches reached office A (one only to its first apprentice), one reached C;
    # a cancelled one and one that failed count for no one.
    dispatch_to(lu, county_a, a)
    dispatch_to(lu, county_a, a[:1] + c)
    dispatch_to(lu, county_a, a, cancelled=True)
    dispatch_to(lu, county_a, c, state=MessageState.FAILED)
    dispatch_to(ar, county_a, [own_ar])  # ÅR to office A itself
    return lu, ar


def by_name(board):
    return {row.name: row for row in board.rows}


def test_one_row_per_office_of_the_county(autumn, county_a, office_a, office_c):
    rows = by_name(office_board(county_a))
    assert set(rows) == {office_a.name, office_c.name}
    a, c = rows[office_a.name], rows[office_c.name]
    assert (a.users, c.users) == (1, 0)
    assert (a.lu_dispatches, c.lu_dispatches) == (2, 1)
    assert (a.ar_dispatches, c.ar_dispatches) == (1, 0)
    assert (a.lu.sampled, a.lu.answered, round(a.lu.rate)) == (10, 6, 60)
    assert (a.ar_office, a.ar_members_answered, a.ar_members) == (True, 1, 3)
    assert (c.ar_office, c.ar_members) == (False, 0)


def test_an_office_under_the_threshold_is_hidden_as_the_rate_pages_hide_it(
    autumn, county_a, office_c
):
    from surveys.rate_tables import rate_rows

    c = by_name(office_board(county_a))[office_c.name]
    assert (c.lu.sampled, c.lu.answered, c.lu.rate) == (6, None, None)
    # The same row, with the same reason, as on the county's response-rate page.
    page_row = next(
        r for r in rate_rows(autumn[0], by="office", county=county_a) if r.key == office_c.pk
    )
    assert (c.lu.answered, c.lu.reason) == (page_row.answered, page_row.reason)


def test_sorting_puts_hidden_figures_last(autumn, county_a, office_a, office_c):
    board = office_board(county_a)
    for descending in (True, False):
        ordered = rows_sorted(board.rows, "lu_rate", descending)
        assert [r.name for r in ordered] == [office_a.name, office_c.name]
    by_users = rows_sorted(board.rows, "users", False)
    assert [r.name for r in by_users] == [office_c.name, office_a.name]


def board_url(county):
    return reverse("county_office_board", args=[county.code])


def test_the_page_sorts_without_javascript_and_is_logged(
    client, county_a_admin, county_a, autumn, office_a, office_c, django_assert_max_num_queries
):
    client.force_login(county_a_admin)
    with django_assert_max_num_queries(20):
        response = client.get(board_url(county_a), {"sorter": "brukere", "rekkefolge": "stigende"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'aria-sort="ascending"' in body
    table = body[body.index("<table") : body.index("</table>")]
    assert table.index(office_c.name) < table.index(office_a.name)
    assert "60 %" in table and "<abbr title=" in table
    # Office C has no user: offered the managing director's access through the users page.
    assert f'action="{reverse("county_users", args=[county_a.code])}"' in body
    assert f'value="kontor-{office_c.orgnr}"' in body
    assert f'value="kontor-{office_a.orgnr}"' not in body
    entry = AuditEntry.objects.get(action=AuditAction.VIEW_IDENTIFIED)
    assert (entry.county_id, entry.user_id, entry.detail["rows"]) == (
        county_a.pk,
        county_a_admin.pk,
        2,
    )


def test_the_offered_action_gives_the_office_its_user(
    client, county_a_admin, county_a, autumn, office_c
):
    client.force_login(county_a_admin)
    response = client.post(
        reverse("county_users", args=[county_a.code]),
        {
            "email": office_c.email,
            "full_name": office_c.manager_name,
            "organisation": f"kontor-{office_c.orgnr}",
            "access": "administrator",
        },
    )
    assert response.status_code == 302
    assert Membership.objects.filter(training_office=office_c, user__email=office_c.email).exists()
    assert by_name(office_board(county_a))[office_c.name].users == 1


def test_csv_and_excel(client, county_a_admin, county_a, autumn, office_a, office_c):
    client.force_login(county_a_admin)
    base = board_url(county_a)
    response = client.get(f"{base}csv/", {"sorter": "lu-svarprosent", "rekkefolge": "synkende"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Opplæringskontor"
    assert [r[0] for r in rows[1:]] == [office_a.name, office_c.name]
    assert rows[1][2:8] == ["1", "2", "1", "10", "6", "60"]
    assert rows[2][6:8] == ["*", "*"] and rows[2][8].startswith("Færre enn 5")
    assert rows[1][9:] == ["Svart", "1", "3"]
    response = client.get(f"{base}xlsx/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    named = {row[0]: row for row in values[1:]}
    assert named[office_a.name][7] == 60 and named[office_c.name][7] == "*"
    downloads = AuditEntry.objects.filter(action=AuditAction.DOWNLOAD, county=county_a)
    assert sorted(e.detail["format"] for e in downloads) == ["csv", "xlsx"]
    assert client.get(f"{base}pdf/").status_code == 404


def test_a_decimal_rate_has_a_decimal_comma(client, county_a_admin, county_a, autumn, office_a):
    client.force_login(county_a_admin)
    # Three more in office A's class, one of them answered: 7 of 13, 53.8 %.
    first = Respondent.objects.filter(round=autumn[0], training_office=office_a).first()
    for i in range(3):
        respondent_make(
            autumn[0],
            county_a,
            training_office=office_a,
            company=first.company,
            report_class=first.report_class,
            answered_at=timezone.now() if i == 0 else None,
        )
    text = client.get(f"{board_url(county_a)}csv/").content.decode("utf-8-sig")
    assert ";53,8;" in text


@pytest.mark.parametrize("persona", ["office", "other_county"])
def test_office_administrators_and_other_counties_do_not_see_it(
    client, persona, county_a, autumn, office_a_admin, county_b_admin
):
    client.force_login(office_a_admin if persona == "office" else county_b_admin)
    assert client.get(board_url(county_a)).status_code == 404
    assert client.get(f"{board_url(county_a)}csv/").status_code == 404


def test_a_county_sender_gets_403(client, county_a, autumn):
    from tests.conftest import _user

    sender = _user("sender@vestland.test", role=Role.COUNTY, county=county_a)
    Membership.objects.filter(user=sender).update(access="sender")
    client.force_login(sender)
    assert client.get(board_url(county_a)).status_code == 403


def test_the_board_is_in_the_county_navigation_and_steps(client, county_a_admin, county_a, autumn):
    client.force_login(county_a_admin)
    body = client.get(reverse("county_dashboard", args=[county_a.code])).content.decode()
    assert body.count(f'href="{board_url(county_a)}"') >= 2  # navigation and the step


def test_without_rounds_the_board_lists_the_offices_and_their_users(
    client, county_a_admin, county_a, office_a, office_c, office_a_admin
):
    board = office_board(county_a)
    assert (board.lu_round, board.ar_round, board.year) == (None, None, None)
    assert {(r.name, r.users, r.lu) for r in board.rows} == {
        (office_a.name, 1, None),
        (office_c.name, 0, None),
    }
    client.force_login(county_a_admin)
    assert client.get(board_url(county_a)).status_code == 200
