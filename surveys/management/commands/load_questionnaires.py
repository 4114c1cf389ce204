from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.questionnaire_files import QuestionnaireFileError
from surveys.services.questionnaires import QUESTIONNAIRE_DIR, questionnaires_load


class Command(BaseCommand):
    help = (
        "Loads the questionnaire files (one per survey kind and version) into the database in "
        "one transaction. Unchanged files are left alone; a changed file updates its "
        "questionnaire in place, keeping the questions by code."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dir",
            dest="directory",
            type=Path,
            default=QUESTIONNAIRE_DIR,
            help=f"directory of the *.toml files (default {QUESTIONNAIRE_DIR})",
        )

    def handle(self, *args, directory: Path, **options) -> None:
        if not directory.is_dir():
            raise CommandError(f"--dir {directory}: not a directory.")
        try:
            results = questionnaires_load(directory)
        except QuestionnaireFileError as error:
            raise CommandError(f"{error}. Nothing was loaded.") from None
        for name, result in results:
            self.stdout.write(f"{name}: {result}")
