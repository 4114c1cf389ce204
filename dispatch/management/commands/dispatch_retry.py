from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from dispatch.models import Message, MessageState
from dispatch.services.outbox import REFUSED
from dispatch.services.uncertain import uncertain_review, uncertain_settle
from dispatch.tasks import outbox_retry


def messages(n: int) -> str:
    return f"{n} message" if n == 1 else f"{n} messages"


class Command(BaseCommand):
    help = (
        "Puts failed messages back in the queue after a provider outage (messages whose address "
        "the provider refused stay failed). With --uncertain also messages a dead worker may or "
        "may not have handed to a provider without idempotency: the provider is asked first "
        "(Twilio's message status, what the recording backend kept; an ESP's tracking events "
        "have settled them as they came), what it has is settled as sent or delivered, and the "
        "rest is re-sent. --uncertain only prints what it would do unless --yes is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dispatch", type=int, help="only this dispatch")
        parser.add_argument(
            "--uncertain", action="store_true", help="also re-send uncertain messages"
        )
        parser.add_argument("--yes", action="store_true", help="go ahead with --uncertain")

    def handle(
        self, *args, dispatch: int | None, uncertain: bool, yes: bool = False, **options
    ) -> None:
        if uncertain:
            review = uncertain_review(dispatch)
            failed = self._failed(dispatch)
            self.stdout.write(
                f"{messages(len(review.resend) + failed)} will be sent again "
                f"({len(review.resend)} uncertain, {failed} failed); "
                f"{messages(review.settled)} settled as the provider has them "
                f"({len(review.delivered)} delivered, {len(review.sent)} sent)."
            )
            if not yes:
                self.stdout.write("Nothing changed: run again with --yes to go ahead.")
                return
            uncertain_settle(review)
        count = outbox_retry(uncertain=uncertain, dispatch_id=dispatch)
        self.stdout.write(f"{messages(count)} queued again.")

    def _failed(self, dispatch_id: int | None) -> int:
        """The failed messages outbox_retry puts back: not those whose address was refused."""
        failed = Message.objects.filter(
            state=MessageState.FAILED, dispatch__round__closes_at__gt=timezone.now()
        ).exclude(Q(error__startswith=REFUSED))
        if dispatch_id is not None:
            failed = failed.filter(dispatch_id=dispatch_id)
        return failed.count()
