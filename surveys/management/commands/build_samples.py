from django.core.management.base import BaseCommand, CommandError

from surveys.models import Round, SurveyKind
from surveys.selectors import rounds_of_year
from surveys.services.samples import samples_build


class Command(BaseCommand):
    help = (
        "Builds the preliminary samples of a year's rounds from the register as it is now, "
        "replacing the previous build. A frozen sample is never built again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, help="survey year (default: the newest rounds)")
        parser.add_argument(
            "--kind",
            action="append",
            choices=[kind.value for kind in SurveyKind],
            help="only this survey (may be repeated)",
        )

    def handle(self, *args, year: int | None, kind: list[str] | None, **options) -> None:
        rounds = _rounds(year, kind)
        built = 0
        for round_ in rounds:
            if round_.is_frozen:
                self.stdout.write(f"{round_.kind} {round_.year}: frozen, not built again.")
                continue
            self.stdout.write(str(samples_build(round_)))
            built += 1
        if not built:
            raise CommandError("No sample was built: every one of them is frozen.")


def _rounds(year: int | None, kinds: list[str] | None) -> list[Round]:
    if year is None:
        year = Round.objects.order_by("-year").values_list("year", flat=True).first()
        if year is None:
            raise CommandError("No rounds exist; create them with create_round.")
    # LU, LBU, ÅR: building LBU first lets ÅR's links to it be made as ÅR is built.
    found = [r for r in rounds_of_year(year) if not kinds or r.kind in kinds]
    if not found:
        raise CommandError(f"No rounds of {year}; create them with create_round.")
    return found
