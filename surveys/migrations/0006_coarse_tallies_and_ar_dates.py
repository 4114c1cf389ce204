"""ÅR answers keep the day they were submitted (in Norway), not the time; a closed round's
answers per day are kept per county in periods of at least REPORTING_THRESHOLD answers instead
of per report class and day (surveys/services/tallies.py)."""

from collections import Counter, defaultdict

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from portal.lib.oslo import OSLO


def submitted_days(apps, schema_editor):
    IdentifiedResponse = apps.get_model("surveys", "IdentifiedResponse")
    rows = list(IdentifiedResponse.objects.only("pk", "submitted_at"))
    for row in rows:
        row.submitted_day = timezone.localtime(row.submitted_at, OSLO).date()
    IdentifiedResponse.objects.bulk_update(rows, ["submitted_day"], batch_size=2000)


def county_periods(apps, schema_editor):
    ResponseTallyDay = apps.get_model("surveys", "ResponseTallyDay")
    per_county: dict[tuple, Counter] = defaultdict(Counter)
    for round_id, county_id, day, n in ResponseTallyDay.objects.values_list(
        "tally__round_id", "tally__county_id", "day", "answered"
    ):
        per_county[(round_id, county_id)][day] += n
    ResponseTallyDay.objects.all().delete()
    return per_county


def periods_write(apps, schema_editor):
    from surveys.services.tallies import periods

    ResponseTallyDay = apps.get_model("surveys", "ResponseTallyDay")
    ResponseTallyDay.objects.bulk_create(
        [
            ResponseTallyDay(round_id=round_id, county_id=county_id, day=day, answered=n)
            for (round_id, county_id), per_day in _KEPT.items()
            for day, n in periods(per_day, settings.REPORTING_THRESHOLD)
        ],
        batch_size=2000,
    )


_KEPT: dict[tuple, Counter] = {}


def periods_read(apps, schema_editor):
    _KEPT.clear()
    _KEPT.update(county_periods(apps, schema_editor))


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("surveys", "0005_gathering_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="identifiedresponse",
            name="submitted_day",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(submitted_days, migrations.RunPython.noop),
        migrations.RemoveField(model_name="identifiedresponse", name="submitted_at"),
        migrations.RenameField(
            model_name="identifiedresponse", old_name="submitted_day", new_name="submitted_at"
        ),
        migrations.AlterField(
            model_name="identifiedresponse",
            name="submitted_at",
            field=models.DateField(),
        ),
        migrations.RunPython(periods_read, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="responsetallyday", name="one_tally_per_day"),
        migrations.RemoveField(model_name="responsetallyday", name="tally"),
        migrations.AddField(
            model_name="responsetallyday",
            name="round",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="tally_days",
                to="surveys.round",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="responsetallyday",
            name="county",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="portal.county",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="responsetallyday",
            constraint=models.UniqueConstraint(
                fields=("round", "county", "day"), name="one_period_per_day"
            ),
        ),
        migrations.RunPython(periods_write, migrations.RunPython.noop),
    ]
