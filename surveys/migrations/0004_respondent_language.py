from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("surveys", "0003_report_classes"),
    ]

    operations = [
        migrations.AddField(
            model_name="respondent",
            name="language",
            field=models.CharField(blank=True, db_default="", max_length=5, verbose_name="language"),
        ),
    ]
