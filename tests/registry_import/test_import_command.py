"""`manage.py import_extract`: its output, exit status, options and what it never prints."""

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from registry_import.models import Contract, ImportRun, ImportStatus

pytestmark = pytest.mark.django_db


def test_the_command_imports_and_prints_the_report(extract, tmp_path, counties, capsys):
    call_command("import_extract", str(extract.write(tmp_path / "x")))
    out = capsys.readouterr().out
    assert out.startswith("Registerimport: Importert\nUttrekket er importert: 10 nye, ")
    assert "kontrakter.csv: 3 rader; 3 nye, 0 endret, 0 uendret" in out
    assert "(ugyldig e-post: 1, ugyldig mobil: 0)" in out
    assert Contract.objects.count() == 3
    assert ImportRun.objects.get().source == "command"


def test_the_command_takes_several_files_and_a_zip(extract, tmp_path, counties, capsys):
    folder = extract.write(tmp_path / "x")
    call_command("import_extract", *sorted(str(p) for p in folder.iterdir()))
    assert Contract.objects.count() == 3
    call_command("import_extract", str(extract.write_zip(tmp_path / "uttrekk.zip")))
    assert ImportRun.objects.order_by("-pk").first().status == ImportStatus.UNCHANGED


def test_errors_are_listed_as_file_line_column_value_and_reason(
    extract, tmp_path, counties, capsys
):
    extract.contracts[1]["startdato"] = "32.01.2024"
    for n in range(60):
        extract.leaders.append(
            dict(extract.leaders[0], faglig_leder_id=f"X-{n}", bedrift_orgnr="1")
        )
    call_command("import_extract", str(extract.write(tmp_path / "x")))
    out = capsys.readouterr().out
    assert "Feil (61):" in out
    assert (
        "  kontrakter.csv:3 startdato «32.01.2024»: Ugyldig dato: bruk ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ."
        not in out  # beyond the first 50
    )
    assert (
        "  faglige_ledere.csv:4 bedrift_orgnr «1»: Ugyldig organisasjonsnummer: det må ha ni sifre "
        "og gyldig kontrollsiffer." in out
    )
    assert "  … og 11 til" in out


def test_a_refused_extract_exits_non_zero(extract, tmp_path, counties, capsys):
    path = extract.write(tmp_path / "x", raw={"kontrakter.csv": b""})
    with pytest.raises(CommandError) as caught:
        call_command("import_extract", str(path))
    assert caught.value.returncode == 1
    out = capsys.readouterr().out
    assert "Registerimport: Avvist" in out
    assert "kontrakter.csv: Filen er tom." in out
    assert not Contract.objects.exists()


def test_the_exit_status_reaches_the_shell(extract, tmp_path, counties, capsys):
    path = extract.write(tmp_path / "x", skip=("faglige_ledere",))
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "import_extract", str(path)]).execute()
    assert exited.value.code == 1
    assert "faglige_ledere.csv: Filen mangler i uttrekket" in capsys.readouterr().out


def test_a_dry_run_saves_nothing_and_exits_zero(extract, tmp_path, counties, capsys):
    call_command("import_extract", str(extract.write(tmp_path / "x")), "--dry-run")
    out = capsys.readouterr().out
    assert out.startswith("Registerimport: Kontrollert (prøvekjøring), ingenting lagret\n")
    assert "kontrakter.csv: 3 rader; 3 nye" in out
    assert not Contract.objects.exists()
    assert ImportRun.objects.get().status == ImportStatus.DRY_RUN


def test_the_progress_bar_goes_to_standard_error_when_asked_for(
    extract, tmp_path, counties, capsys
):
    call_command("import_extract", str(extract.write(tmp_path / "x")), "--progress")
    captured = capsys.readouterr()
    assert "100%" in captured.err
    assert "100%" not in captured.out


def test_there_is_no_progress_bar_when_standard_error_is_not_a_terminal(
    extract, tmp_path, counties, capsys
):
    call_command("import_extract", str(extract.write(tmp_path / "x")))
    assert "%|" not in capsys.readouterr().err


def test_the_command_never_prints_an_identity_number(extract, tmp_path, counties, capsys, caplog):
    numbers = [c["fodselsnummer"] for c in extract.contracts]
    extract.contracts[0]["fodselsnummer"] = numbers[0][:10] + "x"
    extract.contracts[1]["epost"] = numbers[2]
    call_command("import_extract", str(extract.write(tmp_path / "x")), "--progress")
    captured = capsys.readouterr()
    printed = captured.out + captured.err + caplog.text
    assert "fodselsnummer «(skjult)»: Ugyldig fødselsnummer: det må ha 11 sifre." in printed
    for number in numbers:
        assert number not in printed
        assert number[:10] not in printed


def test_the_help_describes_the_format(capsys):
    with pytest.raises(SystemExit):
        call_command("import_extract", "--help")
    out = capsys.readouterr().out
    for word in (
        "opplaeringskontor",
        "kontrakter",
        "--dry-run",
        "ALLOW_SYNTHETIC_IDS",
        "Windows-1252",
    ):
        assert word in out
