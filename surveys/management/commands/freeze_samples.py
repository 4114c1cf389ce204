from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import override

from portal.lib.oslo import oslo_today
from surveys.selectors import rounds_of_year
from surveys.services.samples import (
    WaitingForExtract,
    rounds_waiting_for_extract,
    samples_freeze,
    samples_freeze_due,
    waiting_message,
)


class Command(BaseCommand):
    help = (
        "Builds the samples a last time and freezes them: without --year every round whose "
        "reference date has come (what the daily scheduled task does), with --year the rounds "
        "of that year. A sample is frozen only from an extract imported on or after its "
        "reference date; until one has arrived the round waits for it. After the freeze only "
        "contact data change."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, help="freeze the rounds of this survey year")

    def handle(self, *args, year: int | None, **options) -> None:
        with override("en"):  # as the rest of what the command says
            if year is None:
                self._due()
            else:
                self._year(year)

    def _due(self) -> None:
        summaries = samples_freeze_due()
        for summary in summaries:
            self.stdout.write(f"Frozen: {summary}")
        today = oslo_today()
        waiting = rounds_waiting_for_extract(today)
        for round_ in waiting:
            self.stdout.write(waiting_message(round_))
        if not summaries and not waiting:
            self.stdout.write("No sample was due to be frozen.")

    def _year(self, year: int) -> None:
        rounds = rounds_of_year(year)
        if not rounds:
            raise CommandError(f"No rounds of {year}; create them with create_round.")
        waiting = []
        for round_ in rounds:
            if round_.is_frozen:
                self.stdout.write(f"{round_.kind} {round_.year}: already frozen.")
                continue
            try:
                self.stdout.write(f"Frozen: {samples_freeze(round_)}")
            except WaitingForExtract as error:
                self.stdout.write(" ".join(error.messages))
                waiting.append(round_)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        if waiting:
            raise CommandError(
                "Not frozen: waiting for the 1 October extract "
                f"({', '.join(r.kind for r in waiting)}). Import it, and the freeze runs."
            )

