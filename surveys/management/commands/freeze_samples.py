from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from surveys.selectors import rounds_of_year
from surveys.services.samples import samples_freeze, samples_freeze_due


class Command(BaseCommand):
    help = (
        "Builds the samples a last time and freezes them: without --year every round whose "
        "reference date has come (what the daily scheduled task does), with --year the rounds "
        "of that year. After the freeze only contact data change."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, help="freeze the rounds of this survey year")

    def handle(self, *args, year: int | None, **options) -> None:
        try:
            if year is None:
                summaries = samples_freeze_due()
            else:
                rounds = rounds_of_year(year)
                if not rounds:
                    raise CommandError(f"No rounds of {year}; create them with create_round.")
                summaries = []
                for round_ in rounds:
                    if round_.is_frozen:
                        self.stdout.write(f"{round_.kind} {round_.year}: already frozen.")
                        continue
                    summaries.append(samples_freeze(round_))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        for summary in summaries:
            self.stdout.write(f"Frozen: {summary}")
        if not summaries:
            self.stdout.write("No sample was due to be frozen.")
