"""Gathering mode (R-D13): a printed sheet with one personal code and QR code per apprentice,
for a training office's gathering. The codes are issued when the sheet is made and lead to the
code page (/s/kode/) or straight to the survey. The office holds the sheet too, so a code is a
gathering code (surveys/services/code_answering.py): it starts a draft of its own, tells nothing
about whether the apprentice has answered, and works only until the end of the day it was
printed. A sheet is made for everyone picked, answered or not, for the same reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.http import HttpRequest

from dispatch.audience import Sender, audience
from portal.audit.record import audit_record
from portal.lib.client import site_url
from portal.lib.oslo import oslo_datetime, oslo_today
from portal.lib.qr import qr_svg
from portal.models import AuditAction, User
from surveys.models import Respondent, Round
from surveys.services.links import code_display, gathering_codes_issue, link_path


@dataclass(frozen=True)
class SheetEntry:
    name: str
    trade: str
    company: str
    code: str
    url: str
    qr_svg: str


def gathering_ends(now: datetime | None = None) -> datetime:
    """The end of a gathering: midnight in Norway after the day its sheet is printed."""
    return oslo_datetime(oslo_today(now) + timedelta(days=1))


def gathering_sheet(
    round_: Round,
    sender: Sender,
    respondent_ids: set[int],
    *,
    user: User | None = None,
    http_request: HttpRequest | None = None,
) -> list[SheetEntry]:
    """Fresh gathering codes for the office's apprentices picked, whether or not they have
    answered (the sheet must not tell), valid until the gathering ends."""
    with transaction.atomic():
        people = list(
            audience(round_, sender)
            .filter(pk__in=respondent_ids)
            .select_related("round", "trade", "company")
            .order_by("company__name", "name", "pk")
        )
        tokens = gathering_codes_issue(people, gathering_ends())
        audit_record(
            AuditAction.DISPATCH_CREATED,
            request=http_request,
            user=user,
            county=sender.county,
            office=sender.office,
            target=f"{round_}: gathering sheet",
            detail={"round": round_.pk, "sheet": len(people)},
        )
    return [_entry(person, tokens[person.pk]) for person in people]


def _entry(person: Respondent, token: str) -> SheetEntry:
    url = site_url(link_path(token))
    return SheetEntry(
        name=person.name,
        trade=person.trade.name if person.trade else "",
        company=person.company.name if person.company else "",
        code=code_display(token),
        url=url,
        qr_svg=qr_svg(url),
    )
