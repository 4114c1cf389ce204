"""The questionnaire files' rules: each one refuses a file with a message naming the file and
the place."""

import pytest

from surveys.questionnaire_files import (
    QuestionnaireFileError,
    questionnaire_file_parse,
    questionnaire_files_read,
)
from tests.surveys.questionnaire_texts import AR_FILE, LU_FILE, changed, lu_2020_continuing, write

# --- validation: each rule refuses with a message naming the file and the place ----------------

LU_RULES = [
    pytest.param(
        ('nn = "Eg trivst.", ', ""),
        "lu-2018.toml: question trivsel_a: text: has no nn (Norsk nynorsk) text",
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
    text = LU_FILE.replace(change[0], change[1], 1)
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
    text = AR_FILE.replace(change[0], change[1], 1)
    assert text != AR_FILE
    write(tmp_path, "ar-2018.toml", text)
    with pytest.raises(QuestionnaireFileError) as refused:
        questionnaire_file_parse(tmp_path / "ar-2018.toml")
    assert str(refused.value) == message


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
