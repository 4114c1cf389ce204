from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reporting.services.publishing import round_publish
from surveys.models import Round, SurveyKind


class Command(BaseCommand):
    help = (
        "Publishes (or publishes again) the results of a closed LU or LBU round: "
        "ROUND is the year and survey (2025 LU) or the round's id."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("round", nargs="+", help="YEAR KIND (e.g. 2025 LU) or the round id")

    def handle(self, *args, round: list[str], **options) -> None:
        round_ = _round_from(round)
        try:
            publication = round_publish(round_id=round_.pk)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{round_} published (version {publication.version}, "
                f"{publication.answers} answers, {publication.units.count()} units)."
            )
        )


def _round_from(words: list[str]) -> Round:
    try:
        if len(words) == 1:
            return Round.objects.get(pk=int(words[0]))
        if len(words) == 2:
            kind = words[1].upper()
            if kind not in SurveyKind.values:
                raise CommandError(f"Unknown survey {words[1]!r}: use LU or LBU.")
            return Round.objects.get(year=int(words[0]), kind=kind)
    except ValueError as error:
        raise CommandError("Give the round as YEAR KIND (2025 LU) or as its id.") from error
    except Round.DoesNotExist as error:
        raise CommandError(f"No round {' '.join(words)}.") from error
    raise CommandError("Give the round as YEAR KIND (2025 LU) or as its id.")
