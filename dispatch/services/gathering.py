"""Gathering mode (R-D13): a printed sheet with one personal code and QR code per apprentice,
for a training office's gathering. The codes are issued when the sheet is made, like the links
in messages, and lead to the code page (/s/kode/) or straight to the survey."""

from __future__ import annotations

from dataclasses import dataclass

import segno
from django.db import transaction
from django.http import HttpRequest

from dispatch.audience import Sender, audience
from portal.audit import audit_record
from portal.client import site_url
from portal.models import AuditAction, User
from surveys.models import Respondent, Round
from surveys.services.links import code_display, link_path, links_issue


@dataclass(frozen=True)
class SheetEntry:
    name: str
    trade: str
    company: str
    code: str
    url: str
    qr_svg: str


def qr_svg(url: str) -> str:
    """The QR code as inline SVG (no image files, allowed by the page's CSP)."""
    return segno.make(url, error="m").svg_inline(scale=3, border=2, omitsize=False)


def gathering_sheet(
    round_: Round,
    sender: Sender,
    respondent_ids: set[int],
    *,
    user: User | None = None,
    http_request: HttpRequest | None = None,
) -> list[SheetEntry]:
    """Fresh codes for the chosen apprentices of the office who have not answered."""
    with transaction.atomic():
        people = list(
            audience(round_, sender)
            .filter(pk__in=respondent_ids, answered_at__isnull=True)
            .select_related("round", "trade", "company")
            .order_by("company__name", "name", "pk")
        )
        tokens = links_issue(people)
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
