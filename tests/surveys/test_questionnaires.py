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
    QuestionnaireFileError,
    questionnaire_file_parse,
    questionnaire_files_read,
)
from surveys.services.questionnaires import (
    QUESTIONNAIRE_DIR,
    QuestionnaireLoadError,
    questionnaire_for,
    questionnaires_load,
)
from tests.conftest import give_two_factor

SHIPPED = [
    "ar-2018.toml",
    "lbu-2012.toml",
    "lbu-2018.toml",
    "lu-2012.toml",
    "lu-2018.toml",
    "lu-2020.toml",
]
OSLO = ZoneInfo("Europe/Oslo")

# A small, valid LU file; the validation tests break one thing in it at a time.
LU_FILE = """
kind = "LU"
version = 2018
title = { nb = "Lærlingundersøkelsen", nn = "Lærlingundersøkinga", en = "The Apprentice Survey" }
information_letter = { nb = "Frivillig.", nn = "Frivillig.", en = "Voluntary." }

[[indexes]]
code = "trivsel"
name = { nb = "Trivsel", nn = "Trivsel", en = "Well-being" }

[[sections]]
code = "trivsel"
title = { nb = "Trivsel", nn = "Trivsel", en = "Well-being" }

[[sections.questions]]
code = "trivsel_a"
type = "scale"
index = "trivsel"
text = { nb = "Jeg trives.", nn = "Eg trivst.", en = "I enjoy it." }

[[sections.questions]]
code = "trivsel_b"
type = "scale"
index = "trivsel"
text = { nb = "Jeg har det bra.", nn = "Eg har det bra.", en = "I am well." }

[[sections.questions]]
code = "kontrakt"
type = "single"
text = { nb = "Kontrakt?", nn = "Kontrakt?", en = "Contract?" }

[[sections.questions.choices]]
code = "laerling"
text = { nb = "Lærekontrakt", nn = "Lærekontrakt", en = "Apprenticeship contract" }

[[sections.questions.choices]]
code = "kandidat"
text = { nb = "Opplæringskontrakt", nn = "Opplæringskontrakt", en = "Training contract" }
"""

AR_FILE = """
kind = "AR"
version = 2018
title = { nb = "Årlig rapportering", nn = "Årleg rapportering", en = "Annual Reporting" }
information_letter = { nb = "Lovpålagt.", nn = "Lovpålagd.", en = "Required by law." }

[[sections]]
code = "dok"
part = "documentation"
title = { nb = "Dokumentasjon", nn = "Dokumentasjon", en = "Documentation" }

[[sections.questions]]
code = "dok_plan"
type = "yes_no"
text = { nb = "Plan?", nn = "Plan?", en = "Plan?" }

[[sections]]
code = "rap"
part = "reporting"
title = { nb = "Rapportering", nn = "Rapportering", en = "Reporting" }

[[sections.questions]]
code = "rap_plan"
type = "yes_no"
summarises = ["dok_plan"]
text = { nb = "Planer?", nn = "Planar?", en = "Plans?" }

[[sections.questions]]
code = "rap_antall"
type = "number"
min = 0
max = 100
summarises = ["dok_plan"]
text = { nb = "Antall?", nn = "Tal?", en = "Number?" }
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def changed(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


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


# --- validation: each rule refuses with a message naming the file and the place ----------------

LU_RULES = [
    pytest.param(
        ('nn = "Eg trivst.", ', ""),
        "lu-2018.toml: question trivsel_a: text: has no nn (nynorsk) text",
        id="missing-language",
    ),
    pytest.param(
        ('en = "Well-being" }\n\n[[sections]]', 'se = "Buorre" }\n\n[[sections]]'),
        "lu-2018.toml: index trivsel: name: has no en (English) text",
        id="missing-language-of-an-index",
    ),
    pytest.param(
        ('code = "trivsel_a"\ntype = "scale"', 'code = "trivsel_a"\ntype = "likert"'),
        "lu-2018.toml: question trivsel_a: unknown type 'likert' "
        "(one of scale, yes_no, single, multiple, number, text)",
        id="unknown-type",
    ),
    pytest.param(
        (
            'code = "trivsel_a"\ntype = "scale"\nindex = "trivsel"',
            'code = "trivsel_a"\ntype = "scale"\nindex = "trivsle"',
        ),
        "lu-2018.toml: question trivsel_a: unknown index 'trivsle'",
        id="unknown-index",
    ),
    pytest.param(
        ('code = "trivsel_b"', 'code = "trivsel_a"'),
        "lu-2018.toml: question trivsel_a: duplicate code",
        id="duplicate-code",
    ),
    pytest.param(
        (
            '[[sections.questions.choices]]\ncode = "laerling"',
            '[[sections.questions.xchoices]]\ncode = "laerling"',
        ),
        "lu-2018.toml: question kontrakt: unknown key(s) xchoices",
        id="unknown-key",
    ),
    pytest.param(
        (LU_FILE[LU_FILE.index("\n[[sections.questions.choices]]") :], "\n"),
        "lu-2018.toml: question kontrakt: a single question needs choices",
        id="choices-missing",
    ),
    pytest.param(
        (
            'code = "trivsel_a"\ntype = "scale"',
            'code = "trivsel_a"\ntype = "scale"\nrequired = true',
        ),
        "lu-2018.toml: question trivsel_a: LU is voluntary to answer, so no question may be "
        "required",
        id="required-in-lu",
    ),
    pytest.param(
        (
            'code = "trivsel_b"\ntype = "scale"\nindex = "trivsel"\n',
            'code = "trivsel_b"\ntype = "scale"\n',
        ),
        "lu-2018.toml: index trivsel: has 1 scale item(s); an index needs at least two",
        id="index-with-one-item",
    ),
    pytest.param(
        ('type = "single"', 'type = "yes_no"\nallow_dont_know = true'),
        "lu-2018.toml: question kontrakt: allow_dont_know is only for scale questions",
        id="dont-know-outside-a-scale",
    ),
    pytest.param(
        ('code = "trivsel"\ntitle', 'code = "trivsel"\npart = "reporting"\ntitle'),
        "lu-2018.toml: section trivsel: only ÅR sections have a part, a LU section has none",
        id="part-outside-ar",
    ),
    pytest.param(
        ('code = "trivsel_a"', 'code = "Trivsel-A"'),
        "lu-2018.toml: question code 'Trivsel-A' must be 1–50 lower-case letters, digits or _, "
        "starting with a letter",
        id="bad-code",
    ),
    pytest.param(
        ("version = 2018", "version = 2019"),
        "lu-2018.toml: a LU 2019 questionnaire must be in a file named lu-2019.toml",
        id="file-name-and-version-disagree",
    ),
    pytest.param(
        ('index = "trivsel"\n', 'index = "trivsel"\ncontinues = "trivsel_x"\n'),
        "lu-2018.toml: question trivsel_a: there is no LU version before 2018, so it can neither "
        "continue nor break a series",
        id="continues-in-the-first-version",
    ),
    pytest.param(
        ("title = {", "title = {{"),
        None,
        id="not-toml",
    ),
]


@pytest.mark.parametrize(("change", "message"), LU_RULES)
def test_a_bad_lu_file_is_refused_with_a_message_naming_the_place(tmp_path, change, message):
    text = LU_FILE.replace(*change, 1)
    assert text != LU_FILE
    write(tmp_path, "lu-2018.toml", text)
    with pytest.raises(QuestionnaireFileError) as refused:
        questionnaire_files_read(tmp_path)
    if message is None:
        assert str(refused.value).startswith("lu-2018.toml: not valid TOML: ")
    else:
        assert str(refused.value) == message


AR_RULES = [
    pytest.param(
        (
            'summarises = ["dok_plan"]\ntext = { nb = "Planer?"',
            'summarises = ["rap_antall"]\ntext = { nb = "Planer?"',
        ),
        "ar-2018.toml: question rap_plan: summarises 'rap_antall', which is not a documentation "
        "question",
        id="summarises-a-reporting-question",
    ),
    pytest.param(
        (
            'summarises = ["dok_plan"]\ntext = { nb = "Planer?"',
            'summarises = ["dok_hms"]\ntext = { nb = "Planer?"',
        ),
        "ar-2018.toml: question rap_plan: summarises 'dok_hms', which is not a question of this "
        "file",
        id="summarises-an-unknown-question",
    ),
    pytest.param(
        ('summarises = ["dok_plan"]\ntext = { nb = "Planer?"', 'text = { nb = "Planer?"'),
        "ar-2018.toml: question rap_plan: a reporting question must name the documentation "
        "questions it summarises",
        id="reporting-question-summarising-nothing",
    ),
    pytest.param(
        (
            'code = "dok_plan"\ntype = "yes_no"',
            'code = "dok_plan"\ntype = "yes_no"\nsummarises = ["rap_plan"]',
        ),
        "ar-2018.toml: question dok_plan: only reporting questions summarise documentation "
        "questions",
        id="documentation-question-summarising",
    ),
    pytest.param(
        (
            'code = "dok_plan"\ntype = "yes_no"',
            'code = "dok_plan"\ntype = "yes_no"\nrequired = false',
        ),
        "ar-2018.toml: question dok_plan: ÅR is mandatory by law, so every question is required",
        id="optional-question-in-ar",
    ),
    pytest.param(
        ('part = "documentation"\n', ""),
        'ar-2018.toml: section dok: an ÅR section needs part = "documentation" or '
        "\"reporting\", not ''",
        id="ar-section-without-part",
    ),
    pytest.param(
        ("min = 0\n", ""),
        "ar-2018.toml: question rap_antall: a number question needs a whole-number min",
        id="number-without-min",
    ),
    pytest.param(
        ("max = 100", "max = 0"),
        "ar-2018.toml: question rap_antall: min (0) must be less than max (0)",
        id="number-with-empty-range",
    ),
]


@pytest.mark.parametrize(("change", "message"), AR_RULES)
def test_a_bad_ar_file_is_refused_with_a_message_naming_the_place(tmp_path, change, message):
    text = AR_FILE.replace(*change, 1)
    assert text != AR_FILE
    write(tmp_path, "ar-2018.toml", text)
    with pytest.raises(QuestionnaireFileError) as refused:
        questionnaire_file_parse(tmp_path / "ar-2018.toml")
    assert str(refused.value) == message


def lu_2020_continuing() -> str:
    """LU_FILE as a 2020 version in which every question continues its 2018 namesake."""
    lines, code = [], ""
    for line in changed(LU_FILE, "version = 2018", "version = 2020").splitlines(keepends=True):
        lines.append(line)
        if line.startswith('code = "'):
            code = line.split('"')[1]
        if line.startswith("text = {") and code in ("trivsel_a", "trivsel_b", "kontrakt"):
            lines.append(f'continues = "{code}"\n')
    return "".join(lines)


SERIES_RULES = [
    pytest.param(
        ('continues = "trivsel_a"', 'continues = "trivsel_x"'),
        "lu-2020.toml: question trivsel_a: continues 'trivsel_x', which LU 2018 does not have",
        id="continues-a-missing-code",
    ),
    pytest.param(
        ('continues = "trivsel_a"', 'continues = "kontrakt"'),
        "lu-2020.toml: question trivsel_a: continues 'kontrakt', a single question in LU 2018, "
        "but is a scale question; a changed type breaks the series",
        id="continues-a-question-of-another-type",
    ),
    pytest.param(
        ('continues = "trivsel_b"', 'continues = "trivsel_a"'),
        "lu-2020.toml: question trivsel_b: continues 'trivsel_a', which trivsel_a already "
        "continues",
        id="one-question-continued-twice",
    ),
    pytest.param(
        ('continues = "trivsel_a"', "series_break = true"),
        "lu-2020.toml: question trivsel_a: breaks the series, so it needs a code that LU 2018 "
        "does not use",
        id="series-break-reusing-a-code",
    ),
    pytest.param(
        ('continues = "trivsel_a"', 'continues = "trivsel_a"\nseries_break = true'),
        "lu-2020.toml: question trivsel_a: a question either continues a series or breaks it, "
        "not both",
        id="continues-and-breaks",
    ),
    pytest.param(
        ('continues = "trivsel_a"\n', ""),
        "lu-2020.toml: question trivsel_a: must either continue a question of LU 2018 "
        '(continues = "code") or break the series (series_break = true)',
        id="neither-continues-nor-breaks",
    ),
]


@pytest.mark.parametrize(("change", "message"), SERIES_RULES)
def test_a_later_version_must_link_each_question_to_the_previous_one(tmp_path, change, message):
    write(tmp_path, "lu-2018.toml", LU_FILE)
    write(tmp_path, "lu-2020.toml", lu_2020_continuing())
    assert [f.name for f in questionnaire_files_read(tmp_path)] == ["lu-2018.toml", "lu-2020.toml"]
    write(tmp_path, "lu-2020.toml", changed(lu_2020_continuing(), *change))
    with pytest.raises(QuestionnaireFileError) as refused:
        questionnaire_files_read(tmp_path)
    assert str(refused.value) == message


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
