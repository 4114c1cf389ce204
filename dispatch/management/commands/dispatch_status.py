from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from dispatch.models import Dispatch, Message, MessageState
from surveys.models import Round


class Command(BaseCommand):
    help = (
        "Prints the outbox by state: messages per state for every dispatch of ROUND "
        "(a round id, or YEAR/KIND such as 2026/LU), or of every round not yet closed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("round", nargs="?", help="round id or YEAR/KIND, e.g. 2026/LU")

    def handle(self, *args, round: str | None = None, **options) -> None:
        dispatches = Dispatch.objects.select_related("round", "county", "training_office")
        if round:
            dispatches = dispatches.filter(round=self._round(round))
        else:
            from django.utils import timezone

            dispatches = dispatches.filter(round__closes_at__gt=timezone.now())
        states = [s.value for s in MessageState]
        counts: dict[int, dict[str, int]] = {}
        for dispatch_id, state, n in (
            Message.objects.filter(dispatch__in=dispatches)
            .values_list("dispatch_id", "state")
            .annotate(n=Count("id"))
            .order_by()
        ):
            counts.setdefault(dispatch_id, {})[state] = n
        header = ["dispatch", "round", "sender", "purpose", "send_at", "state", *states]
        self.stdout.write("\t".join(header))
        totals = dict.fromkeys(states, 0)
        for d in dispatches.order_by("send_at", "pk"):
            row = counts.get(d.pk, {})
            for state in states:
                totals[state] += row.get(state, 0)
            self.stdout.write(
                "\t".join(
                    str(v)
                    for v in [
                        d.pk,
                        f"{d.round.year}/{d.round.kind}",
                        d.sender_name,
                        d.purpose,
                        d.send_at.isoformat(timespec="minutes"),
                        d.state,
                        *(row.get(s, 0) for s in states),
                    ]
                )
            )
        self.stdout.write("\t".join(["total", "", "", "", "", "", *map(str, totals.values())]))

    def _round(self, value: str) -> Round:
        try:
            if "/" in value:
                year, kind = value.split("/", 1)
                return Round.objects.get(year=int(year), kind=kind.upper().replace("ÅR", "AR"))
            return Round.objects.get(pk=int(value))
        except (ValueError, Round.DoesNotExist):
            raise CommandError(
                f"No round {value!r}: give a round id or YEAR/KIND, e.g. 2026/LU"
            ) from None
