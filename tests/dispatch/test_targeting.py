"""Reminders limited to some groups: chosen training offices, chosen trades, or the groups whose
response rate is below a chosen rate (the rate pages' figures, hidden groups in doubt and so
included); the preview's counts, the SMS quota and the rule of thumb as for any reminder, what
the dispatch keeps, and the form a county and an office get."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.portal_users import valid_orgnr
from dispatch.audience import Sender
from dispatch.models import Dispatch, Purpose
from dispatch.services.dispatches import dispatch_create
from dispatch.services.order_rules import LeftOut
from dispatch.services.quotas import quota_used
from dispatch.targeting import BELOW, OFFICES, TRADES, Targeting
from portal.models import AuditAction, AuditEntry, Company, TrainingOffice
from registry_import.models import Trade
from surveys.models import AnonymousResponse, ReportClass
from surveys.rate_tables import rate_rows
from tests.dispatch.conftest import frozen
from tests.dispatch.helpers import plan_of, request, send
from tests.surveys.factories import lu_questionnaire, respondent_make, round_make

pytestmark = pytest.mark.django_db


class Groups:
    """Vestland's LU, by report class: office A 10 apprentices (6 answered, 60 %) in trade T1,
    office B 5 (2 answered: hidden) in trade T2, office C 10 (9 answered, 90 %) in trade T2,
    and 12 in classes that kept only the county (6 answered) in trade T1. Not answered: 4, 3,
    1 and 6."""

    def __init__(self, county_a, county_b, office_a, office_b) -> None:
        self.round = frozen(round_make(lu_questionnaire()))
        self.t1 = Trade.objects.create(code="ELE3", name="Elektrikerfaget")
        self.t2 = Trade.objects.create(code="TMF3", name="Tømrerfaget")
        self.office_a, self.office_b = office_a, office_b
        self.office_c = TrainingOffice.objects.create(
            orgnr=valid_orgnr(97000201), name="Opplæringskontoret Nord", county=county_a
        )
        # An office with apprentices in Oslo only: not one of Vestland's to choose.
        self.office_d = TrainingOffice.objects.create(
            orgnr=valid_orgnr(97000301), name="Opplæringskontoret Sør", county=county_b
        )
        self.n = 0
        answered = timezone.now() - timedelta(days=2)
        self._class(county_a, 10, 6, answered, office_a, self.t1)
        self._class(county_a, 5, 2, answered, office_b, self.t2)
        self._class(county_a, 10, 9, answered, self.office_c, self.t2)
        self._class(county_a, 12, 6, answered, None, self.t1)
        self._class(county_b, 6, 2, answered, self.office_d, self.t1)

    def _class(self, county, n, answered, when, office, trade) -> None:
        self.n += 1
        company = Company.objects.create(
            orgnr=valid_orgnr(96000000 + self.n * 10),
            name=f"Bedrift {self.n} AS",
            county=county,
            training_office=office,
        )
        kept = {"training_office": office, "company": company} if office else {}
        report_class = ReportClass.objects.create(round=self.round, county=county, **kept)
        for i in range(n):
            self.n += 1
            respondent_make(
                self.round,
                county,
                report_class=report_class,
                training_office=office,
                company=company,
                trade=trade,
                name=f"Lærling {self.n}",
                email=f"l{self.n}@example.test",
                mobile=f"+479300{self.n:04d}",
                answered_at=when if i < answered else None,
            )
        AnonymousResponse.objects.bulk_create(
            AnonymousResponse(round=self.round, county=county, answers={}, **kept)
            for _ in range(answered)
        )


@pytest.fixture
def groups(county_a, county_b, office_a, office_b) -> Groups:
    return Groups(county_a, county_b, office_a, office_b)


def _reminder(groups: Groups, sender: Sender, targeting: Targeting | None, **kwargs):
    return plan_of(groups.round, sender, Purpose.REMINDER, targeting=targeting, **kwargs)


def test_the_rates_of_the_fixture_are_the_rate_pages_own(groups, county_a):
    rows = {r.label: r for r in rate_rows(groups.round, by="office", county=county_a)}
    assert round(rows[groups.office_a.name].rate) == 60
    assert round(rows[groups.office_c.name].rate) == 90
    assert rows[groups.office_b.name].hidden


@pytest.mark.parametrize(
    ("targeting", "expected"),
    [
        (None, 14),
        ("offices a", 4),
        ("offices a c", 5),
        # Office A (60 %) is below 70 %, office C (90 %) is not; office B's rate is hidden and
        # the classes that kept only the county are not shown apart: both in doubt, included.
        ("below 70", 4 + 3 + 6),
        ("below 50", 3 + 6),
        ("below 95", 4 + 3 + 1 + 6),
    ],
)
def test_the_preview_counts_the_recipients_of_each_targeting(groups, county_a, targeting, expected):
    chosen = _targeting(groups, targeting)
    plan = _reminder(groups, Sender(county=county_a), chosen)
    assert not plan.errors
    assert len(plan.recipients) == expected
    if chosen is not None:
        # Those answered in the chosen groups count with those outside them: no group's
        # answered count is told (R-L7).
        assert plan.left_out[LeftOut.ANSWERED] == 0
        assert plan.left_out[LeftOut.NOT_TARGETED] == 37 - expected


def _targeting(groups: Groups, name: str | None) -> Targeting | None:
    if name is None:
        return None
    by, *rest = name.split()
    if by == "offices":
        offices = {"a": groups.office_a, "b": groups.office_b, "c": groups.office_c}
        return Targeting(OFFICES, offices=tuple(offices[x].pk for x in rest))
    if by == "trades":
        trades = {"t1": groups.t1, "t2": groups.t2}
        return Targeting(TRADES, trades=tuple(trades[x].pk for x in rest))
    return Targeting(BELOW, grouping="office", below=int(rest[0]))


def test_a_hidden_group_is_kept_by_name_apart_and_without_its_rate(groups, county_a):
    plan = _reminder(groups, Sender(county=county_a), _targeting(groups, "below 70"))
    kept = plan.targeting
    assert kept["by"] == BELOW and kept["below"] == 70
    assert kept["groups"] == [groups.office_a.name]
    assert groups.office_b.name in kept["in_doubt"]
    assert groups.office_c.name not in kept["in_doubt"] + kept["groups"]
    assert "%" not in " ".join(kept["in_doubt"])


def test_the_dispatch_keeps_its_targeting_and_takes_one_sms_dispatch(
    groups, county_a, django_capture_on_commit_callbacks
):
    sender = Sender(county=county_a)
    before = quota_used(groups.round, sender)
    dispatch = send(
        django_capture_on_commit_callbacks,
        groups.round,
        sender,
        Purpose.REMINDER,
        sms=True,
        targeting=_targeting(groups, "offices a c"),
    )
    # R-D8: one SMS dispatch, whatever its size.
    assert quota_used(groups.round, sender) == before + 1
    assert dispatch.recipients == 5
    assert dispatch.targeting == {
        "by": OFFICES,
        "groups": sorted([groups.office_a.name, groups.office_c.name]),
    }
    assert set(dispatch.messages.values_list("respondent__training_office", flat=True)) == {
        groups.office_a.pk,
        groups.office_c.pk,
    }
    entry = AuditEntry.objects.get(action=AuditAction.DISPATCH_CREATED)
    assert entry.detail["targeting"] == dispatch.targeting


def test_the_rule_of_thumb_applies_to_a_targeted_reminder(
    groups, county_a, django_capture_on_commit_callbacks
):
    sender = Sender(county=county_a)
    now = timezone.now()
    only_a = _targeting(groups, "offices a")
    for week in range(3):
        send(
            django_capture_on_commit_callbacks,
            groups.round,
            sender,
            Purpose.REMINDER,
            targeting=only_a,
            send_at=now + timedelta(days=7 * week, minutes=1),
        )
    later = now + timedelta(days=21, minutes=2)
    plan = _reminder(groups, sender, only_a, send_at=later, now=now)
    assert (len(plan.recipients), plan.left_out[LeftOut.CAP]) == (0, 4)
    plan = _reminder(groups, sender, only_a, send_at=later, now=now, beyond_rule_of_thumb=True)
    assert (len(plan.recipients), plan.beyond_rule_of_thumb) == (4, 4)


@pytest.mark.parametrize("chosen", ["offices b", "offices b c", "trades t1", "trades t2"])
def test_a_group_whose_rate_is_hidden_cannot_be_chosen_by_name(groups, county_a, chosen):
    """Office B's rate is hidden (2 of 5 answered): reminders to it alone, or with office C
    whose rate is shown, would tell how many in B have answered; so would the trades, which
    the rate pages hide to protect it (T2 less office C is office B)."""
    plan = _reminder(groups, Sender(county=county_a), _targeting(groups, chosen))
    assert any("cannot be chosen by name" in e for e in plan.errors), plan.errors
    with pytest.raises(Exception, match="cannot be chosen by name"):
        dispatch_create(
            request(
                groups.round,
                Sender(county=county_a),
                Purpose.REMINDER,
                targeting=_targeting(groups, chosen),
            )
        )
    assert not Dispatch.objects.exists()


def test_only_a_reminder_is_targeted(groups, county_a):
    plan = plan_of(
        groups.round,
        Sender(county=county_a),
        Purpose.INVITATION,
        targeting=_targeting(groups, "offices a"),
    )
    assert "Only a reminder can be limited to some groups." in plan.errors


def test_a_county_chooses_only_among_its_own_offices(groups, county_a):
    plan = _reminder(
        groups, Sender(county=county_a), Targeting(OFFICES, offices=(groups.office_d.pk,))
    )
    assert "Choose among the training offices of your sample." in plan.errors
    with pytest.raises(Exception, match="training offices of your sample"):
        dispatch_create(
            request(
                groups.round,
                Sender(county=county_a),
                Purpose.REMINDER,
                targeting=Targeting(OFFICES, offices=(groups.office_d.pk,)),
            )
        )
    assert not Dispatch.objects.exists()


def test_an_office_cannot_target_another_office(groups, office_a):
    sender = Sender(office=office_a)
    plan = _reminder(groups, sender, Targeting(OFFICES, offices=(groups.office_c.pk,)))
    assert "A training office cannot limit a dispatch to training offices." in plan.errors
    plan = _reminder(groups, sender, Targeting(BELOW, grouping="office", below=50))
    assert plan.errors
    # Its own trades only, and only those whose rate its rate page shows (here none is).
    plan = _reminder(groups, sender, Targeting(TRADES, trades=(groups.t1.pk,)))
    assert any("cannot be chosen by name" in e for e in plan.errors)
    plan = _reminder(groups, sender, Targeting(TRADES, trades=(groups.t2.pk,)))
    assert "Choose among the trades of your sample." in plan.errors


def _form(groups: Groups, **fields) -> dict:
    return {
        "purpose": "reminder",
        "by_email": "on",
        "language": "nb",
        "when": "now",
        "preview": "1",
        **fields,
    }


def test_the_county_form_offers_its_offices_and_trades_and_previews_the_count(
    client, groups, county_a, county_a_admin
):
    client.force_login(county_a_admin)
    url = reverse("county_dispatch_new", args=[county_a.code, groups.round.year, "lu"])
    page = client.get(url).content.decode()
    for name in (groups.office_a.name, groups.office_b.name, groups.office_c.name, "Tømrerfaget"):
        assert name in page
    assert groups.office_d.name not in page
    # The Directorate's advice beside the SMS choice (R-D8).
    assert "Vi anbefaler derfor å inkludere flest mulige" in page
    assert "skjult" in page  # what happens to groups whose rate is hidden
    response = client.post(
        url, _form(groups, target=OFFICES, offices=[groups.office_a.pk, groups.office_c.pk])
    )
    assert response.status_code == 200
    plan = response.context["plan"]
    assert len(plan.recipients) == 5
    assert "Begrenset til" in response.content.decode()
    # Another county's office is not a choice.
    response = client.post(url, _form(groups, target=OFFICES, offices=[groups.office_d.pk]))
    assert response.context["plan"] is None
    assert response.context["form"].errors["offices"]


def test_the_office_form_has_no_offices_to_choose(client, groups, office_a, office_a_admin):
    client.force_login(office_a_admin)
    url = reverse("office_dispatch_new", args=[office_a.orgnr, groups.round.year, "lu"])
    page = client.get(url).content.decode()
    assert groups.office_c.name not in page
    response = client.post(url, _form(groups, target=OFFICES, offices=[groups.office_c.pk]))
    assert response.context["plan"] is None
    assert "target" in response.context["form"].errors
    response = client.post(url, _form(groups, target=TRADES, trades=[groups.t1.pk]))
    assert len(response.context["plan"].recipients) == 4


def test_the_history_and_the_dispatch_show_whom_it_was_limited_to(
    client, groups, county_a, county_a_admin, django_capture_on_commit_callbacks
):
    dispatch = send(
        django_capture_on_commit_callbacks,
        groups.round,
        Sender(county=county_a),
        Purpose.REMINDER,
        targeting=_targeting(groups, "below 70"),
    )
    client.force_login(county_a_admin)
    for url in (
        reverse("county_dispatch", args=[county_a.code, dispatch.pk]),
        reverse("county_dispatches", args=[county_a.code, groups.round.year]),
    ):
        page = client.get(url).content.decode()
        assert "svarprosent under 70" in page, url
        assert groups.office_a.name in page and groups.office_b.name in page


def _values(form, name: str) -> list[str]:
    return [str(option.data["value"]) for option in form[name]]


def test_only_the_kinds_of_group_the_sample_has_are_offered(year, county_a, office_a):
    from dispatch.forms import DispatchForm
    from dispatch.targeting import group_choices

    # Office A's ÅR reaches its member companies: no offices, no trades, nothing to choose.
    form = DispatchForm(groups=group_choices(year.ar, Sender(office=office_a)))
    assert not {"target", "offices", "trades", "below_grouping", "below_rate"} & set(form.fields)
    # The county's ÅR reaches training offices and companies without trades: offices only.
    form = DispatchForm(groups=group_choices(year.ar, Sender(county=county_a)))
    assert "offices" in form.fields and "trades" not in form.fields
    assert _values(form, "target") == ["", OFFICES, BELOW]
    assert _values(form, "below_grouping") == ["office"]
    # The county's LU: both.
    form = DispatchForm(groups=group_choices(year.lu, Sender(county=county_a)))
    assert _values(form, "target") == ["", OFFICES, TRADES, BELOW]
