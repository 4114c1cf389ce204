"""Publishing a closed round: when the close step announces it, by command, again."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from portal.models import AuditAction, AuditEntry
from reporting.models import PdfReport, Publication, ResultUnit
from reporting.services.publishing import round_publish
from surveys.models import Round
from surveys.signals import results_published, round_closed

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_round_is_published_when_its_close_step_announces_it(lu_round):
    round_closed.send(sender=Round, round_id=lu_round.pk)
    publication = Publication.objects.get(round=lu_round)
    assert publication.answers == 61
    assert publication.units.filter(unit_type="N").exists()
    entry = AuditEntry.objects.get(action=AuditAction.RESULTS_PUBLISHED)
    assert entry.detail["round"] == lu_round.pk


def test_an_open_round_is_not_published(lu_round):
    Round.objects.filter(pk=lu_round.pk).update(anonymised_at=None)
    with pytest.raises(ValidationError, match="vises bare svarprosenten"):
        round_publish(round_id=lu_round.pk)
    assert not Publication.objects.exists()


def test_publishing_again_replaces_the_tables_and_the_pdfs(published, world):
    PdfReport.objects.create(publication=published, version=1, county=world.county_a, language="nb")
    units = ResultUnit.objects.filter(publication=published).count()
    again = round_publish(round_id=published.round_id)
    assert again.pk == published.pk and again.version == 2
    assert ResultUnit.objects.filter(publication=again).count() == units
    assert not PdfReport.objects.exists()


def test_the_command_takes_year_and_survey_or_the_round_id(lu_round, capsys):
    call_command("publish_results", "2024", "lu")
    assert "version 1" in capsys.readouterr().out
    call_command("publish_results", str(lu_round.pk))
    assert "version 2" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No round 2031 LU"):
        call_command("publish_results", "2031", "LU")
    with pytest.raises(CommandError, match="LU or LBU"):
        call_command("publish_results", "2024", "XX")


def test_no_shown_count_is_below_the_threshold(published, settings):
    shown = 0
    for unit in ResultUnit.objects.filter(publication=published):
        for item, figure in unit.figures.items():
            if figure.get("h"):
                assert set(figure) == {"h"}, "a hidden figure keeps no numbers"
                continue
            shown += 1
            assert figure["n"] == 0 or figure["n"] >= settings.REPORTING_THRESHOLD, (unit, item)
            if "c" in figure and item != "answers":
                assert sum(figure["c"]) >= figure["n"] or item == "mobbing_av_hvem"
    assert shown > 100



def test_publishing_announces_it_once_committed(lu_round):
    heard = []

    def receiver(sender, round_id, version, **kwargs):
        heard.append((round_id, version))

    results_published.connect(receiver)
    try:
        round_publish(round_id=lu_round.pk)
    finally:
        results_published.disconnect(receiver)
    assert heard == [(lu_round.pk, 1)]
