from django.core.management.base import BaseCommand

from dispatch.tasks import outbox_retry


class Command(BaseCommand):
    help = (
        "Puts failed messages back in the queue after a provider outage (messages whose address "
        "the provider refused stay failed). With --uncertain also messages a dead worker may or "
        "may not have handed to a provider without idempotency: they may reach someone twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dispatch", type=int, help="only this dispatch")
        parser.add_argument(
            "--uncertain", action="store_true", help="also re-send uncertain messages"
        )

    def handle(self, *args, dispatch: int | None, uncertain: bool, **options) -> None:
        count = outbox_retry(uncertain=uncertain, dispatch_id=dispatch)
        self.stdout.write(f"{count} messages queued again.")
