"""Someone with a copy of the whole database after an LU and an LBU round have closed tries to
name the person behind each anonymous answer (R-L7, R-L5).

A small but realistic round: companies with one, two and many apprentices, offices, trades,
apprentices and candidates, independent companies, a second county; the register behind them;
the samples frozen as in production, the respondents answering through their links, the close
step and the retention purge run. Then every table of the database is joined with the answers:
by every organisation and trade column any model has (found by introspection, so a table added
later is attacked too), by ids, by the transaction that wrote the rows and by their order."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from portal.lib.oslo import oslo_today
from portal.models import Company, County, TrainingOffice
from registry_import.models import Apprentice, Contract, ContractKind, ProfessionalLeader, Trade
from surveys.models import (
    AnonymousResponse,
    Draft,
    IdentifiedResponse,
    ReportClass,
    Respondent,
    RespondentLink,
    ResponseTally,
    ResponseTallyDay,
    Round,
    SurveyKind,
)
from surveys.services.answering import answers_submit, consent_give, draft_save, survey_load
from surveys.services.closing import round_close
from surveys.services.links import link_issue
from surveys.services.retention import personal_data_purge
from surveys.services.samples import samples_freeze
from tests import register_rows as rows
from tests.surveys.factories import (
    ar_questionnaire,
    lbu_questionnaire,
    lu_questionnaire,
    post_page,
    post_send,
    post_start,
    round_make,
)

pytestmark = pytest.mark.django_db(transaction=False)

DIMENSION_MODELS: dict[Any, str] = {
    County: "county",
    TrainingOffice: "office",
    Company: "company",
    Trade: "trade",
}
KIND_FIELDS = ("apprentice_kind", "kind")


def _company_with(county, office, trades_kinds, leaders=True):
    """A company with one running contract per (trade, kind), its leader named on them."""
    company = rows.company(county, office=office)
    leader = rows.leader(company) if leaders else None
    for trade, kind in trades_kinds:
        rows.contract(rows.apprentice(), company, trade_=trade, leader=leader, kind=kind)
    return company


@pytest.fixture
def world(counties, county_a, county_b):
    """The register and the three rounds of one year, samples frozen, links answered."""
    el, bygg, helse, kokk = (
        rows.trade("ELELE3----", "Elektrikerfaget"),
        rows.trade("BTBTF3----", "Tømrerfaget"),
        rows.trade("HSHEA3----", "Helsearbeiderfaget"),
        rows.trade("RMKOK3----", "Kokkfaget"),
    )
    laerling, kandidat = ContractKind.APPRENTICE, ContractKind.CANDIDATE
    vest1, vest2 = rows.office(county_a), rows.office(county_a)
    _company_with(county_a, vest1, [(el, laerling)])  # a company of one
    _company_with(county_a, vest1, [(el, laerling)] * 2)  # a company of two
    _company_with(county_a, vest1, [(bygg, laerling)] * 5 + [(bygg, kandidat)])
    for _ in range(5):  # five companies of one in the same office and trade
        _company_with(county_a, vest2, [(helse, laerling)])
    _company_with(county_a, None, [(el, laerling)])  # independent, one
    _company_with(county_a, None, [(kokk, kandidat)] * 2)  # independent, two candidates
    oslo = rows.office(county_b)
    for size in (1, 1, 1, 2, 2):
        _company_with(county_b, oslo, [(kokk, laerling)] * size)

    year = 2025
    lu = round_make(lu_questionnaire(), year=year)
    lbu = round_make(lbu_questionnaire(), year=year)
    ar = round_make(ar_questionnaire(), year=year)
    rows.extract_imported(date(year, 10, 1))  # the 1 October extract (R-C3)
    for round_ in (lu, lbu, ar):
        samples_freeze(round_, now=timezone.now())
    return {"lu": lu, "lbu": lbu, "ar": ar}


def person_of(respondent: Respondent) -> tuple[str, int]:
    if respondent.apprentice_id is not None:
        return ("apprentice", respondent.apprentice_id)
    return ("leader", respondent.professional_leader_id)


def answer_all(client, world) -> dict[str, Any]:
    """Most respondents answer through their links, some do not; LU answers carry a text
    unique to the respondent so the test (not the attacker) knows whose they are."""
    known: dict[str, Any] = {"text_of": {}, "order": []}
    for i, respondent in enumerate(
        Respondent.objects.filter(round=world["lu"]).order_by("pk").select_related("round")
    ):
        if i % 4 == 3:
            continue  # one in four does not answer
        token = link_issue(respondent)
        text = f"svar-{respondent.pk}"
        post_page(client, token, 1, {"lu_a": str(1 + i % 5)})
        post_page(client, token, 3, {"lu_g": text})
        assert post_send(client, token).status_code == 302
        known["text_of"][text] = respondent
        known["order"].append(text)
    for i, respondent in enumerate(Respondent.objects.filter(round=world["lbu"]).order_by("pk")):
        if i % 3 == 2:
            continue
        token = link_issue(respondent)
        post_start(client, token, {"consent": "yes"})
        post_page(client, token, 1, {"lbu_a": str(1 + i % 5)})
        assert post_send(client, token).status_code == 302
    return known


def snapshot(round_: Round) -> list[dict[str, Any]]:
    """What the attacker may know of the sample (it follows from the register and the rule),
    and each respondent's class, taken before the close step removes them."""
    return [
        {
            "person": person_of(r),
            "county": r.county_id,
            "office": r.training_office_id,
            "company": r.company_id,
            "trade": r.trade_id,
            "kind": r.apprentice_kind,
            "class": tuple(r.report_class.dimensions.values()),
        }
        for r in Respondent.objects.filter(round=round_).select_related("report_class")
    ]


def close_everything(world, django_capture_on_commit_callbacks) -> None:
    later = timezone.now() + timedelta(days=400)
    Round.objects.filter(pk__in=[r.pk for r in world.values()]).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    for key in ("lu", "lbu"):
        with django_capture_on_commit_callbacks(execute=True):
            round_close(Round.objects.get(pk=world[key].pk))
    personal_data_purge(now=later)


# --- What every table says about the people behind an answer -------------------------------


def _person_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.is_relation
        and f.related_model in (Apprentice, ProfessionalLeader, Contract, Respondent)
    ]


def _dimension_fields(model: type[models.Model]) -> dict[str, list[models.Field]]:
    found: dict[str, list[models.Field]] = defaultdict(list)
    for f in model._meta.concrete_fields:
        if f.is_relation and f.related_model in DIMENSION_MODELS:
            found[DIMENSION_MODELS[f.related_model]].append(f)
        elif f.name in KIND_FIELDS and isinstance(f, models.CharField):
            found["kind"].append(f)
    return found


def attacked_models() -> list[type[models.Model]]:
    """Every model that holds an organisation, a trade or a person: the ways in."""
    return [
        m
        for m in apps.get_models()
        if m is not AnonymousResponse and (_dimension_fields(m) or _person_fields(m))
    ]


def _persons(model, row: dict[str, Any], contracts, respondents) -> set[tuple[str, int]]:
    people: set[tuple[str, int]] = set()
    for f in _person_fields(model):
        value = row[f.attname]
        if value is None:
            continue
        if f.related_model is Apprentice:
            people.add(("apprentice", value))
        elif f.related_model is ProfessionalLeader:
            people.add(("leader", value))
        elif f.related_model is Contract and value in contracts:
            people.add(("apprentice", contracts[value]))
        elif f.related_model is Respondent and value in respondents:
            people.add(respondents[value])
    if model is Apprentice:
        people.add(("apprentice", row["id"]))
    if model is ProfessionalLeader:
        people.add(("leader", row["id"]))
    return people


def table_rows(model) -> list[tuple[dict[str, Any], set[tuple[str, int]]]]:
    """Each row of the model as (dimension values, people it names)."""
    contracts = dict(Contract.objects.values_list("id", "apprentice_id"))
    respondents = {
        r.pk: person_of(r)
        for r in Respondent.objects.all()
        if r.apprentice_id or r.professional_leader_id
    }
    dims = _dimension_fields(model)
    result = []
    for row in model._base_manager.values():
        values = {
            name: {row[f.attname] for f in fields if row[f.attname] not in (None, "")}
            for name, fields in dims.items()
        }
        result.append((values, _persons(model, row, contracts, respondents)))
    return result


def consistent(answer: dict[str, Any], values: dict[str, set]) -> bool:
    """The row could be about the answer's respondent: no dimension both have disagrees."""
    for name, found in values.items():
        mine = answer[name]
        if found and mine not in (None, "") and mine not in found:
            return False
    return True


def answer_dimensions(answer: AnonymousResponse) -> dict[str, Any]:
    return {
        "county": answer.county_id,
        "office": answer.training_office_id,
        "company": answer.company_id,
        "trade": answer.trade_id,
        "kind": answer.apprentice_kind,
    }


def test_no_join_of_any_table_with_the_answers_names_fewer_than_k_people(
    client, world, django_capture_on_commit_callbacks
):
    k = settings.REPORTING_THRESHOLD
    known = answer_all(client, world)
    samples = {key: snapshot(world[key]) for key in ("lu", "lbu")}
    close_everything(world, django_capture_on_commit_callbacks)

    # Nothing that said who was asked, who answered or when is left of LU and LBU.
    for model in (Respondent, RespondentLink, Draft, ReportClass):
        assert not model._base_manager.filter(
            **{
                "round__in" if model in (Respondent, ReportClass) else "respondent__round__in": [
                    world["lu"],
                    world["lbu"],
                ]
            }
        ).exists(), model
    assert not Respondent.objects.filter(continues_to__isnull=False).exists()

    answers = list(AnonymousResponse.objects.all())
    assert len(answers) > 20
    kept = {tuple(class_key(a)) for a in answers}
    models_attacked = attacked_models()
    # The register and the samples' neighbours are among them, found by introspection.
    assert {Contract, ProfessionalLeader, Respondent}.issubset(models_attacked)
    tables = {model: table_rows(model) for model in models_attacked}

    for answer in answers:
        kind = world_kind(world, answer)
        sample = samples[kind]
        sampled = {s["person"] for s in sample}
        mine = answer_dimensions(answer)
        if kind == "lbu":
            assert answer.company_id is None and answer.apprentice_kind == ""
        # The answer's own dimensions against the sample: at least K people fit.
        fitting = {s["person"] for s in sample if consistent(mine, single(s))}
        assert len(fitting) >= k, (mine, len(fitting))
        # Knowing the rule, the attacker narrows it to the class: still at least K. An answer
        # left with its county alone may be of the county's rest or of any class merged into it
        # at close (everyone or nobody answered, or picked with them).
        in_class = [s for s in sample if s["class"] in classes_behind(answer, kept, sample)]
        assert len(in_class) >= k, (mine, len(in_class))
        # Every table joined on every dimension it shares with the answers, one at a time and
        # all together: wherever people of the sample are named, at least K remain.
        together = set(fitting)
        for attacked, table in tables.items():
            named = set().union(*(p for v, p in table if consistent(mine, v))) & sampled
            if named:
                assert len(named) >= k, (attacked.__name__, mine, len(named))
                together &= named
        assert len(together) >= k, (mine, len(together))

    # Whose each LU answer is (known to the test only): its dimensions are its class's.
    for answer in answers:
        text = answer.answers.get("lu_g")
        if text is not None:
            respondent = next(
                s for s in samples["lu"] if s["person"] == person_of(known["text_of"][text])
            )
            assert respondent["class"] in classes_behind(answer, kept, samples["lu"])


@pytest.mark.django_db(transaction=True)
def test_ids_transactions_and_row_order_of_the_answers_lead_nowhere(
    client, world, django_capture_on_commit_callbacks
):
    known = answer_all(client, world)
    close_everything(world, django_capture_on_commit_callbacks)
    answers = list(AnonymousResponse.objects.all())

    # Ids: no other table holds an answer's id anywhere, in any column.
    ids = {str(a.pk) for a in answers} | {a.pk.hex for a in answers}
    for model in apps.get_models():
        if model is AnonymousResponse:
            continue
        for row in model._base_manager.values_list():
            for value in row:
                assert str(value) not in ids, model

    if connection.vendor != "postgresql":
        return
    table = AnonymousResponse._meta.db_table
    with connection.cursor() as cursor:
        # The close step wrote each round's answers again in one transaction of their own.
        cursor.execute(
            f"SELECT round_id, array_agg(DISTINCT xmin::text) FROM {table} GROUP BY round_id"  # noqa: S608
        )
        per_round = dict(cursor.fetchall())
        assert sorted(per_round) == sorted([world["lu"].pk, world["lbu"].pk])
        assert all(len(x) == 1 for x in per_round.values()), per_round
        xmins = [x for (x,) in per_round.values()]
        assert len(set(xmins)) == 2
        for model in apps.get_models():
            if model is AnonymousResponse or model._meta.proxy or not model._meta.managed:
                continue
            other = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(
                f"SELECT count(*) FROM {other} WHERE xmin::text = ANY(%s)",  # noqa: S608
                [xmins],
            )
            assert cursor.fetchone() == (0,), model
        # The physical order is not the order the answers came in.
        cursor.execute(f"SELECT answers->>'lu_g' FROM {table} ORDER BY ctid")  # noqa: S608
        physical = [text for (text,) in cursor.fetchall() if text is not None]
    assert sorted(physical) == sorted(known["order"])
    assert physical not in (known["order"], list(reversed(known["order"])))


# --- Helpers of the assertions ---------------------------------------------------------------


def world_kind(world, answer) -> str:
    return "lu" if answer.round_id == world["lu"].pk else "lbu"


def single(s: dict[str, Any]) -> dict[str, set]:
    return {
        name: {s[name]} if s[name] not in (None, "") else set()
        for name in ("county", "office", "company", "trade", "kind")
    }


def classes_behind(
    answer: AnonymousResponse, kept: set[tuple], sample: list[dict[str, Any]]
) -> set[tuple]:
    """The classes an answer may come from: its own, and for an answer with its county alone
    also every class of the county that no answer keeps any more."""
    mine = tuple(class_key(answer))
    if mine[1:] != (None, None, None, ""):
        return {mine}
    return {mine} | ({s["class"] for s in sample if s["class"][0] == mine[0]} - kept)


def class_key(answer: AnonymousResponse) -> list[Any]:
    return [
        answer.county_id,
        answer.training_office_id,
        answer.company_id,
        answer.trade_id,
        answer.apprentice_kind,
    ]


# --- Who took part: the tallies set against ÅR and against the classes' sizes ----------------


def _answer_at(respondent: Respondent, when) -> None:
    if respondent.round.kind == SurveyKind.LBU:
        consent_give(respondent, now=when)
        draft_save(respondent, {"lbu_a": 3}, codes=["lbu_a"], page=1)
    else:
        draft_save(respondent, {"lu_a": 3}, codes=["lu_a"], page=1)
    respondent.refresh_from_db()
    answers_submit(survey_load(respondent), now=when)


def _day_rows(round_: Round, sample) -> list[tuple[set[int], date, date, int]]:
    """Each kept count of answers in time: (companies it may be about, first day, last day,
    answers), read from the table as it is: per county and period."""
    found: list[tuple[set[int], date, date, int]] = []
    start: dict[int, date] = {}
    for row in ResponseTallyDay.objects.filter(round=round_).order_by("day"):
        companies = {s["company"] for s in sample if s["county"] == row.county_id}
        first = start.get(row.county_id, date.min)
        found.append((companies, first, row.day, row.answered))
        start[row.county_id] = row.day + timedelta(days=1)
    return found


def test_ar_days_set_against_lbu_answers_in_time_determine_no_companys_lbu(world):
    """Every company answers ÅR (the law), those who answer LBU do so the same day, in the same
    link (R-D9). The attacker knows each company's ÅR day and the LBU sample of each class, and
    claims the companies of a count of answers when exactly as many of them sent ÅR in its days."""
    lbu = list(Respondent.objects.filter(round=world["lbu"]).order_by("pk"))
    first = world["lbu"].closes_at - timedelta(days=20)
    ar_day = {}
    for i, respondent in enumerate(lbu):
        when = first + timedelta(days=i // 2 if i % 3 != 2 else i % 4)
        if i % 3 != 2:
            _answer_at(respondent, when)
        ar_day[respondent.company_id] = when
    sample = snapshot(world["lbu"])
    for company_id, when in ar_day.items():
        ar = Respondent.objects.get(round=world["ar"], company_id=company_id)
        IdentifiedResponse.objects.create(
            respondent=ar,
            round=world["ar"],
            county_id=ar.county_id,
            company_id=company_id,
            part="reporting",
            answers={},
            submitted_at=when,
        )
    round_close(world["lbu"], now=world["lbu"].closes_at + timedelta(minutes=1))

    days = {
        company: oslo_today(sent) if isinstance(sent, datetime) else sent
        for company, sent in IdentifiedResponse.objects.values_list("company_id", "submitted_at")
    }
    claims = set()
    for companies, start, end, answered in _day_rows(world["lbu"], sample):
        sent_ar = {c for c in companies if start <= days[c] <= end}
        if answered and len(sent_ar) == answered:
            claims |= sent_ar
    assert claims == set()
    # Each count in time is of at least K answers, or the only one of its companies.
    scopes = defaultdict(list)
    for companies, _start, _end, answered in _day_rows(world["lbu"], sample):
        scopes[frozenset(companies)].append(answered)
    k = settings.REPORTING_THRESHOLD
    assert all(min(counts) >= k or len(counts) == 1 for counts in scopes.values()), scopes


def test_a_class_where_everyone_or_nobody_answered_does_not_say_so(world):
    """Knowing the classes (the rule and the register), the attacker reads each class's
    answers and tally: all its people answered, or none did, would name their participation."""
    sample = snapshot(world["lu"])
    by_class = defaultdict(list)
    for respondent in Respondent.objects.filter(round=world["lu"]).select_related("round"):
        by_class[tuple(respondent.report_class.dimensions.values())].append(respondent)
    k = settings.REPORTING_THRESHOLD
    inner = sorted((c for c in by_class if c[1:] != (None, None, None, "")), key=repr)
    everyone, nobody = inner[0], inner[1]
    now = world["lu"].closes_at - timedelta(days=3)
    for key, people in by_class.items():
        for i, respondent in enumerate(sorted(people, key=lambda r: r.pk)):
            if key == everyone or (key != nobody and i % 2 == 0):
                _answer_at(respondent, now)
    round_close(world["lu"], now=world["lu"].closes_at + timedelta(minutes=1))

    answers: defaultdict[tuple, int] = defaultdict(int)
    for answer in AnonymousResponse.objects.filter(round=world["lu"]):
        answers[tuple(class_key(answer))] += 1
    tallies = {
        tuple(t.dimensions.values()): (t.sampled, t.answered)
        for t in ResponseTally.objects.filter(round=world["lu"])
    }
    determined = []
    for key in by_class:
        size = sum(1 for s in sample if s["class"] == key)
        if answers.get(key, 0) == size or (key in tallies and tallies[key][1] in (0, size)):
            determined.append(key)
    assert determined == []
    assert all(0 < a < s for s, a in tallies.values()), tallies
    assert all(s >= k for s, _a in tallies.values())
