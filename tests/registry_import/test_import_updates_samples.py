"""A successful import reaches the surveys: a frozen sample gets the register's new contact
data, but keeps who is in it."""

import pytest
from django.utils import timezone

from portal.models import County
from registry_import.models import Apprentice
from registry_import.services import import_extract
from surveys.models import Respondent, RespondentRole
from tests.surveys.factories import lu_questionnaire, respondent_make, round_make

pytestmark = pytest.mark.django_db


def test_a_newer_import_updates_contact_data_of_a_frozen_sample(
    extract, tmp_path, counties, django_capture_on_commit_callbacks
):
    import_extract([extract.write(tmp_path / "first")])
    round_ = round_make(lu_questionnaire())
    round_.sample_frozen_at = timezone.now()
    round_.save()
    row = extract.contracts[0]
    apprentice = Apprentice.objects.get(contracts__register_id=row["kontrakt_id"])
    respondent = respondent_make(
        round_,
        County.objects.get(code=row["fylkesnr"]),
        role=RespondentRole.APPRENTICE,
        apprentice=apprentice,
        email=apprentice.email,
    )
    others = Respondent.objects.count()

    row["epost"] = "ny.adresse@example.no"
    with django_capture_on_commit_callbacks(execute=True):
        run = import_extract([extract.write(tmp_path / "second")])

    assert run.status == "succeeded"
    respondent.refresh_from_db()
    assert respondent.email == "ny.adresse@example.no"
    assert respondent.email_valid
    assert Respondent.objects.count() == others


def test_an_unchanged_import_leaves_the_samples_alone(
    extract, tmp_path, counties, django_capture_on_commit_callbacks
):
    import_extract([extract.write(tmp_path / "first")])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = import_extract([extract.write(tmp_path / "again")])
    assert run.status == "unchanged"
    assert callbacks == []
