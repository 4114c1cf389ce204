"""Questionnaire files for the tests: a small valid LU file and ÅR file, which the tests change
one thing at a time, and how to write and change them."""

from pathlib import Path

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
