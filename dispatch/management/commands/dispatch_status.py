from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.utils import timezone

from dispatch.models import AccountMail, Dispatch, Message, MessageState
from portal.lib.oslo import oslo_now
from surveys.models import Round

_HELD = (MessageState.CLAIMED, MessageState.HANDING)


def age(delta: timedelta) -> str:
    seconds = max(int(delta.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def oslo(moment: datetime | None) -> str:
    return oslo_now(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class Command(BaseCommand):
    help = (
        "Prints the outbox per dispatch and channel of ROUND (a round id, or YEAR/KIND such as "
        "2026/LU), or of every round not yet closed: messages per state, the oldest claim still "
        "held (when, in Oslo time, and how long ago: a dead worker's claim grows old), the "
        "attempts made after errors and the last error."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("round", nargs="?", help="round id or YEAR/KIND, e.g. 2026/LU")

    def handle(self, *args, round: str | None = None, **options) -> None:
        now = timezone.now()
        dispatches = Dispatch.objects.select_related("round", "county", "training_office")
        if round:
            dispatches = dispatches.filter(round=self._round(round))
        else:
            dispatches = dispatches.filter(round__closes_at__gt=now)
        messages = Message.objects.filter(dispatch__in=dispatches)
        states = [s.value for s in MessageState]
        counts: dict[tuple, dict[str, int]] = {}
        for dispatch_id, channel, state, n in (
            messages.values_list("dispatch_id", "channel", "state")
            .annotate(n=Count("id"))
            .order_by()
        ):
            counts.setdefault((dispatch_id, channel), {})[state] = n
        oldest = self._oldest_claims(messages)
        attempts = self._attempts(messages)
        header = ["dispatch", "round", "sender", "purpose", "send_at (Oslo)", "state", "channel"]
        header += [*states, "oldest_claim (Oslo)", "attempts", "last_error"]
        self.stdout.write("\t".join(header))
        totals = dict.fromkeys(states, 0)
        for d in dispatches.order_by("send_at", "pk"):
            channels = sorted({c for (pk, c) in counts if pk == d.pk} | set(d.channels))
            for channel in channels:
                row = counts.get((d.pk, channel), {})
                for state in states:
                    totals[state] += row.get(state, 0)
                claimed = oldest.get((d.pk, channel))
                held = f"{oslo(claimed)} ({age(now - claimed)} ago)" if claimed else ""
                tried, has_error = attempts.get((d.pk, channel), (0, False))
                error = self._last_error(messages, d.pk, channel) if has_error else ""
                values = [d.pk, f"{d.round.year}/{d.round.kind}", d.sender_name, d.purpose]
                values += [oslo(d.send_at), d.state, channel]
                values += [*(row.get(s, 0) for s in states), held, tried, error]
                self.stdout.write("\t".join(str(v) for v in values))
        self._account_mails(states, now)
        self.stdout.write("\t".join(["total", *[""] * 6, *map(str, totals.values())]))

    def _account_mails(self, states: list[str], now: datetime) -> None:
        """One row for the account mails in the outbox (activation, resets, notifications)."""
        mails = AccountMail.objects.all()
        counts = dict(mails.values_list("state").annotate(n=Count("id")).order_by())
        claimed = mails.filter(
            state__in=(MessageState.CLAIMED, MessageState.HANDING), claimed_at__isnull=False
        ).aggregate(oldest=Min("claimed_at"))["oldest"]
        held = f"{oslo(claimed)} ({age(now - claimed)} ago)" if claimed else ""
        error = (
            mails.exclude(error="").order_by("-created_at").values_list("error", flat=True).first()
        )
        values = ["account_mails", "", "", "", "", "", "email"]
        values += [*(counts.get(s, 0) for s in states), held, "", error or ""]
        self.stdout.write("\t".join(str(v) for v in values))

    def _oldest_claims(self, messages: QuerySet[Message]) -> dict[tuple, datetime]:
        rows = (
            messages.filter(state__in=_HELD)
            .values_list("dispatch_id", "channel")
            .annotate(oldest=Min("claimed_at"))
            .order_by()
        )
        return {(pk, channel): at for pk, channel, at in rows if at is not None}

    def _attempts(self, messages: QuerySet[Message]) -> dict[tuple, tuple[int, bool]]:
        rows: Iterable = (
            messages.values_list("dispatch_id", "channel")
            .annotate(tried=Sum("attempts"), errors=Count("id", filter=~Q(error="")))
            .order_by()
        )
        return {(pk, channel): (tried or 0, bool(errors)) for pk, channel, tried, errors in rows}

    def _last_error(self, messages: QuerySet[Message], dispatch_id: int, channel: str) -> str:
        """The error of the message claimed last among those with one."""
        error = (
            messages.filter(dispatch_id=dispatch_id, channel=channel)
            .exclude(error="")
            .order_by(F("claimed_at").desc(nulls_last=True))
            .values_list("error", flat=True)
            .first()
        )
        return " ".join((error or "").split())[:120]

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
