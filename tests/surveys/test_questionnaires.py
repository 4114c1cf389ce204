import shutil
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from portal.models import User
from surveys.models.questionnaires import (
    Question,
    Questionnaire,
    QuestionType,
    SectionPart,
    SurveyKind,
)
from surveys.models.rounds import Round
from surveys.questionnaire_files import (
    questionnaire_files_read,
)
from surveys.services.questionnaires import (
    QUESTIONNAIRE_DIR,
    QuestionnaireLoadError,
    questionnaire_for,
    questionnaires_load,
)
from tests.conftest import give_two_factor
from tests.surveys.questionnaire_texts import LU_FILE, changed, lu_2020_continuing, write

SHIPPED = [
    "ar-2018.toml",
    "lbu-2012.toml",
    "lbu-2018.toml",
    "lu-2012.toml",
    "lu-2018.toml",
    "lu-2020.toml",
]
OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def shipped_copy(tmp_path) -> Path:
    directory = tmp_path / "questionnaires"
    shutil.copytree(QUESTIONNAIRE_DIR, directory)
    return directory


def make_round(questionnaire: Questionnaire, year: int) -> Round:
    return Round.objects.create(
        year=year,
        kind=questionnaire.kind,
        questionnaire=questionnaire,
        qa_starts_on=date(year, 9, 1),
        correction_deadline=datetime(year, 9, 30, 12, tzinfo=OSLO),
        reference_date=date(year, 10, 1),
        opens_at=datetime(year, 10, 15, tzinfo=OSLO),
        closes_at=datetime(year, 12, 21, tzinfo=OSLO),
    )


# --- the shipped files ------------------------------------------------------------------------


def test_the_shipped_files_are_one_per_kind_and_version():
    assert sorted(p.name for p in QUESTIONNAIRE_DIR.glob("*.toml")) == SHIPPED


def test_every_shipped_file_parses_with_a_sensible_number_of_questions():
    counts = {f.name: len(f.questions) for f in questionnaire_files_read(QUESTIONNAIRE_DIR)}
    assert counts.keys() == set(SHIPPED)
    for name in ("lu-2012.toml", "lu-2018.toml", "lu-2020.toml"):
        assert 25 <= counts[name] <= 40, name
    for name in ("lbu-2012.toml", "lbu-2018.toml"):
        assert 15 <= counts[name] <= 25, name
    # R-P3: the 2018 revisions have fewer questions than 2012.
    assert counts["lu-2018.toml"] < counts["lu-2012.toml"]
    assert counts["lbu-2018.toml"] < counts["lbu-2012.toml"]


def test_each_shipped_file_says_its_texts_are_the_portals_own_wording():
    for name in SHIPPED:
        header = (QUESTIONNAIRE_DIR / name).read_text(encoding="utf-8").split("\nkind")[0]
        assert "portal's own wording" in header, name
        assert "load_questionnaires" in header, name


@pytest.mark.django_db
def test_every_shipped_file_loads():
    assert questionnaires_load() == [(name, "created") for name in SHIPPED]
    for questionnaire_file in questionnaire_files_read(QUESTIONNAIRE_DIR):
        questionnaire = Questionnaire.objects.get(
            kind=questionnaire_file.kind, version=questionnaire_file.version
        )
        assert questionnaire.questions.count() == len(questionnaire_file.questions)
        assert questionnaire.source_sha256 == questionnaire_file.sha256
        assert questionnaire.source_file == questionnaire_file.name


@pytest.mark.django_db
def test_every_text_is_in_bokmal_nynorsk_and_english_and_the_nynorsk_is_not_a_copy():
    questionnaires_load()

    def assert_complete(texts: dict, what: str) -> None:
        assert sorted(texts) == ["en", "nb", "nn"], what
        assert all(value.strip() for value in texts.values()), what

    for questionnaire in Questionnaire.objects.all():
        assert_complete(questionnaire.title, f"{questionnaire} title")
        assert_complete(questionnaire.information_letter, f"{questionnaire} letter")
        for index in questionnaire.indexes.all():
            assert_complete(index.name, f"{questionnaire} index {index.code}")
        for section in questionnaire.sections.all():
            assert_complete(section.title, f"{questionnaire} section {section.code}")
        questions = list(questionnaire.questions.all())
        for question in questions:
            assert_complete(question.text, f"{question}")
            if question.help_text:
                assert_complete(question.help_text, f"{question} help text")
            for choice in question.choices:
                assert_complete(choice["text"], f"{question} choice {choice['code']}")
        written_twice = [q for q in questions if q.text["nn"] == q.text["nb"]]
        assert len(written_twice) < len(questions) / 4, questionnaire
        assert questionnaire.information_letter["nn"] != questionnaire.information_letter["nb"]


@pytest.mark.django_db
def test_the_information_letters_say_what_the_law_says_about_each_survey():
    questionnaires_load()
    for questionnaire in Questionnaire.objects.filter(kind=SurveyKind.LU):
        letter = questionnaire.information_letter
        assert "frivillig" in letter["nb"] and "frivillig" in letter["nn"]  # R-L1
        assert "anonyme" in letter["nb"] and "voluntary" in letter["en"]
        assert "personvernforordningen" in letter["nb"]  # R-L5, R-L9
    for questionnaire in Questionnaire.objects.filter(kind=SurveyKind.LBU):
        letter = questionnaire.information_letter
        assert "samtykke" in letter["nb"] and "samtykke" in letter["nn"]  # R-L5
        assert "Uten samtykke lagres ingenting" in letter["nb"]
        assert "frivillig" in letter["nb"] and "anonyme" in letter["nb"]  # R-L2
    letter = Questionnaire.objects.get(kind=SurveyKind.AR).information_letter
    assert "lovpålagt" in letter["nb"] and "lovpålagd" in letter["nn"]  # R-L3
    assert "ikke anonyme" in letter["nb"] and "not anonymous" in letter["en"]


@pytest.mark.django_db
def test_lu_and_lbu_questions_are_voluntary_and_ar_questions_are_required():
    questionnaires_load()
    voluntary = Question.objects.filter(questionnaire__kind__in=[SurveyKind.LU, SurveyKind.LBU])
    assert voluntary.exists()
    assert not voluntary.filter(required=True).exists()  # R-L1, R-L2
    mandatory = Question.objects.filter(questionnaire__kind=SurveyKind.AR)
    assert mandatory.exists()
    assert not mandatory.filter(required=False).exists()  # R-L3


@pytest.mark.django_db
def test_every_lu_version_has_follow_up_questions_on_bullying_and_harassment():
    questionnaires_load()
    for questionnaire in Questionnaire.objects.filter(kind=SurveyKind.LU):
        follow_ups = questionnaire.questions.filter(follow_up=True)
        assert follow_ups.filter(section__code="mobbing", code__startswith="mobbing").exists()
        assert follow_ups.filter(code__startswith="trakassering").exists()
        assert all(q.type == QuestionType.YES_NO for q in follow_ups)


@pytest.mark.django_db
def test_every_index_has_at_least_two_scale_items():
    questionnaires_load()
    for questionnaire in Questionnaire.objects.exclude(kind=SurveyKind.AR):
        assert questionnaire.indexes.count() >= 6
        for index in questionnaire.indexes.all():
            items = list(index.items.all())
            assert len(items) >= 2, f"{questionnaire} {index}"
            assert {item.type for item in items} == {QuestionType.SCALE}


@pytest.mark.django_db
def test_the_2018_questions_break_the_series_from_2012():
    questionnaires_load()
    for kind in (SurveyKind.LU, SurveyKind.LBU):
        first = Questionnaire.objects.get(kind=kind, version=2012)
        revised = Questionnaire.objects.get(kind=kind, version=2018)
        assert not first.questions.filter(series_break=True).exists()
        assert not first.questions.filter(continues__isnull=False).exists()
        assert revised.questions.count() == revised.questions.filter(series_break=True).count()
        assert not revised.questions.filter(continues__isnull=False).exists()
        # Answers are matched by code: no 2018 code reuses a 2012 one.
        codes_2012 = set(first.questions.values_list("code", flat=True))
        assert not codes_2012 & set(revised.questions.values_list("code", flat=True))


@pytest.mark.django_db
def test_lu_2020_continues_the_2018_questions_except_the_few_that_break_the_series():
    questionnaires_load()
    lu_2018 = Questionnaire.objects.get(kind=SurveyKind.LU, version=2018)
    lu_2020 = Questionnaire.objects.get(kind=SurveyKind.LU, version=2020)
    trives = lu_2020.questions.get(code="trivsel_trives")
    assert trives.continues == lu_2018.questions.get(code="trivsel_trives")
    assert trives.continues.index.code == trives.index.code == "trivsel"
    assert not trives.series_break

    breaks = set(lu_2020.questions.filter(series_break=True).values_list("code", flat=True))
    assert {"mobbing_laeretiden", "veiledning_daglig"} <= breaks
    assert 0 < len(breaks) <= 6
    continuing = lu_2020.questions.filter(series_break=False)
    assert continuing.count() == lu_2020.questions.count() - len(breaks)
    for question in continuing.select_related("continues__questionnaire"):
        assert question.continues.questionnaire == lu_2018
        assert question.continues.type == question.type
    # The revised bullying question is not comparable with the 2018 one.
    assert not lu_2018.questions.get(code="mobbing_mobbet").continued_by.exists()


@pytest.mark.django_db
def test_ar_reporting_questions_summarise_documentation_questions():
    questionnaires_load()
    ar = Questionnaire.objects.get(kind=SurveyKind.AR)
    documentation = set(
        ar.questions.filter(section__part=SectionPart.DOCUMENTATION).values_list("code", flat=True)
    )
    reporting = ar.questions.filter(section__part=SectionPart.REPORTING)
    assert len(documentation) >= 10 and reporting.count() >= 10
    for question in reporting:
        assert question.summarises and set(question.summarises) <= documentation, question
    assert set().union(*(q.summarises for q in reporting)) == documentation
    assert all(
        not q.summarises for q in ar.questions.filter(section__part=SectionPart.DOCUMENTATION)
    )


@pytest.mark.django_db
def test_questionnaire_for_picks_the_newest_version_introduced_by_that_year():
    questionnaires_load()
    assert questionnaire_for("LU", 2015).version == 2012
    assert questionnaire_for("LU", 2018).version == 2018
    assert questionnaire_for("LU", 2019).version == 2018
    assert questionnaire_for("LU", 2024).version == 2020
    assert questionnaire_for("LBU", 2024).version == 2018
    assert questionnaire_for("AR", 2024).kind == "AR"
    with pytest.raises(Questionnaire.DoesNotExist, match="No LU questionnaire exists for 2011"):
        questionnaire_for("LU", 2011)
    with pytest.raises(Questionnaire.DoesNotExist):
        questionnaire_for("AR", 2017)


# --- loading ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_loading_again_changes_nothing(capsys):
    questionnaires_load()
    before = list(Question.objects.order_by("pk").values_list("pk", "code", "text", "continues"))
    call_command("load_questionnaires")
    out = capsys.readouterr().out
    assert out.splitlines() == [f"{name}: unchanged" for name in SHIPPED]
    after = list(Question.objects.order_by("pk").values_list("pk", "code", "text", "continues"))
    assert after == before


@pytest.mark.django_db
def test_a_changed_text_updates_the_question_in_place(shipped_copy):
    questionnaires_load(shipped_copy)
    question = Question.objects.get(questionnaire__version=2020, code="trivsel_trives")
    path = shipped_copy / "lu-2020.toml"
    path.write_text(
        changed(
            path.read_text(encoding="utf-8"),
            'text.nn = "Eg trivst i lærebedrifta."',
            'text.nn = "Eg trivst godt i lærebedrifta."',
        ),
        encoding="utf-8",
    )
    results = dict(questionnaires_load(shipped_copy))
    assert results.pop("lu-2020.toml") == "updated"
    assert set(results.values()) == {"unchanged"}
    reloaded = Question.objects.get(pk=question.pk)
    assert reloaded.text["nn"] == "Eg trivst godt i lærebedrifta."
    assert reloaded.text["nb"] == question.text["nb"]
    assert reloaded.continues_id == question.continues_id
    assert Questionnaire.objects.get(kind="LU", version=2020).source_sha256 != ""


@pytest.mark.django_db
def test_a_question_can_be_removed_until_a_round_uses_the_questionnaire(shipped_copy):
    questionnaires_load(shipped_copy)
    path = shipped_copy / "lu-2020.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('[[sections.questions]]\ncode = "veiledning_tid"')
    end = text.index("[[sections.questions]]", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    lu_2020 = Questionnaire.objects.get(kind="LU", version=2020)
    make_round(lu_2020, 2025)

    with pytest.raises(QuestionnaireLoadError) as refused:
        questionnaires_load(shipped_copy)
    assert str(refused.value) == (
        "lu-2020.toml: question veiledning_tid: would be removed, but LU 2020 is used by the "
        "round(s) of 2025, whose answers refer to it by code; keep the question in the file"
    )
    assert lu_2020.questions.filter(code="veiledning_tid").exists()

    Round.objects.all().delete()
    assert dict(questionnaires_load(shipped_copy))["lu-2020.toml"] == "updated"
    assert not lu_2020.questions.filter(code="veiledning_tid").exists()
    assert lu_2020.questions.count() == 29


@pytest.mark.django_db
def test_a_question_of_a_used_questionnaire_cannot_change_type(tmp_path):
    write(tmp_path, "lu-2018.toml", LU_FILE)
    questionnaires_load(tmp_path)
    make_round(Questionnaire.objects.get(), 2018)
    write(tmp_path, "lu-2018.toml", changed(LU_FILE, 'type = "single"', 'type = "multiple"'))
    with pytest.raises(QuestionnaireLoadError, match="would change from single to multiple"):
        questionnaires_load(tmp_path)
    assert Question.objects.get(code="kontrakt").type == "single"


@pytest.mark.django_db
def test_a_bad_file_loads_nothing_and_the_command_says_why(tmp_path):
    write(tmp_path, "lu-2018.toml", LU_FILE)
    write(tmp_path, "lu-2020.toml", changed(LU_FILE, "version = 2018", "version = 2020"))
    with pytest.raises(CommandError) as refused:
        call_command("load_questionnaires", "--dir", str(tmp_path))
    assert str(refused.value) == (
        "lu-2020.toml: question trivsel_a: must either continue a question of LU 2018 "
        '(continues = "code") or break the series (series_break = true). Nothing was loaded.'
    )
    assert not Questionnaire.objects.exists()


def test_the_command_refuses_a_directory_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match="not a directory"):
        call_command("load_questionnaires", "--dir", str(tmp_path / "missing"))


@pytest.mark.django_db
def test_continues_links_resolve_against_a_previous_version_already_in_the_database(tmp_path):
    earlier, later = tmp_path / "earlier", tmp_path / "later"
    earlier.mkdir()
    later.mkdir()
    write(earlier, "lu-2018.toml", LU_FILE)
    questionnaires_load(earlier)
    write(later, "lu-2020.toml", lu_2020_continuing())
    assert questionnaires_load(later) == [("lu-2020.toml", "created")]
    question = Question.objects.get(questionnaire__version=2020, code="trivsel_a")
    assert question.continues == Question.objects.get(questionnaire__version=2018, code="trivsel_a")


# --- admin ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_shows_questionnaires_but_does_not_let_anyone_edit_them(client):
    questionnaires_load()
    give_two_factor(User.objects.create_superuser("drift@udir.test", "korrekt-hest-batteri-stift"))
    client.force_login(User.objects.get(email="drift@udir.test"))
    lu_2020 = Questionnaire.objects.get(kind="LU", version=2020)
    page = client.get(f"/admin/surveys/questionnaire/{lu_2020.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "trivsel_trives" in body and "lu-2020.toml" in body
    assert 'name="_save"' not in body
    assert client.get("/admin/surveys/questionnaire/add/").status_code == 403
    question = lu_2020.questions.get(code="trivsel_trives")
    assert (
        client.post(
            f"/admin/surveys/question/{question.pk}/change/", {"code": "endret"}
        ).status_code
        == 403
    )
    assert Question.objects.get(pk=question.pk).code == "trivsel_trives"
    listing = client.get("/admin/surveys/question/", {"q": "mobbing"})
    assert listing.status_code == 200 and "mobbing_laeretiden" in listing.content.decode()
