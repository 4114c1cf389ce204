from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from surveys.models import SurveyKind
from surveys.services.rounds import rounds_create_year


class Command(BaseCommand):
    help = (
        "Creates the survey rounds of a year (LU, LBU and ÅR, or those given with --kind) with "
        "the national calendar and the newest questionnaire version of each survey. Rounds that "
        "already exist are left alone."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--kind",
            action="append",
            choices=[kind.value for kind in SurveyKind],
            help="only this survey (may be repeated)",
        )

    def handle(self, *args, year: int, kind: list[str] | None, **options) -> None:
        try:
            created = rounds_create_year(year, kind)
        except ValidationError as error:
            raise CommandError(
                " ".join(error.messages) + " Load the questionnaires with load_questionnaires."
            ) from None
        for round_ in created:
            self.stdout.write(
                f"Created {round_.kind} {round_.year} "
                f"(questionnaire version {round_.questionnaire.version})."
            )
        if not created:
            self.stdout.write(f"The rounds of {year} already exist.")
