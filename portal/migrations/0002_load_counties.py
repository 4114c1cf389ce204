"""Loads the county table with each county's period and predecessors (R-P4)."""

from django.db import migrations

from portal.organisations.data.counties import load_counties


def forwards(apps, schema_editor):
    load_counties(apps.get_model("portal", "County"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
