"""What happens to an ÅR answer after it is submitted: the respondent's receipt (a PDF of the
answers, on the page and by e-mail to the address their link was sent to) and the county's
reopening of a submitted answer for correction (R-L3: the answers are identified, and the county
follows them up).

Reopening puts the submitted answers back as the respondent's draft, so they correct rather
than start again; the reason is in the audit log and in the e-mail the respondent gets."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.audit.record import audit_record
from portal.models import AuditAction, User
from surveys.annual_report_pdf import answer_sheet_pdf
from surveys.annual_reports import answer_sheet, unit_name, with_answers
from surveys.models import Draft, Respondent, SurveyKind

REASON_MAX_LENGTH = 500


class CannotReopen(Exception):
    """The answer cannot be reopened; the message says why, for the county's page."""


def _answered(respondent_id: int) -> Respondent | None:
    return (
        with_answers(
            Respondent.objects.filter(
                pk=respondent_id, round__kind=SurveyKind.AR, answered_at__isnull=False
            )
        )
        .select_related("company", "training_office", "round__questionnaire")
        .first()
    )


def receipt_pdf(respondent: Respondent) -> bytes:
    """The submitted ÅR answers of the respondent as the PDF the county also sees."""
    loaded = _answered(respondent.pk)
    if loaded is None:
        raise ValueError("no submitted ÅR answer")
    return answer_sheet_pdf(answer_sheet(loaded))


def _language(respondent: Respondent) -> str:
    return respondent.language or settings.LANGUAGE_CODE


def receipt_send(respondent_id: int) -> bool:
    """E-mails the receipt to the respondent's address, when it has a valid one. Returns
    whether a mail was sent."""
    respondent = _answered(respondent_id)
    if respondent is None or not respondent.email or not respondent.email_valid:
        return False
    with translation.override(_language(respondent)):
        sheet = answer_sheet(respondent)
        subject = _("Receipt: %(round)s – %(unit)s") % {
            "round": respondent.round,
            "unit": sheet.row.name,
        }
        body = _(
            "Thank you. The county authority has received the answers of %(unit)s to "
            "%(round)s.\n\nA copy of the answers is attached as a PDF. Keep it for your "
            "records. If something is wrong, contact the county authority: it can open the "
            "answers again for correction.\n"
        ) % {"unit": sheet.row.name, "round": respondent.round}
        message = EmailMessage(subject, body, to=[respondent.email])
        message.attach(
            f"kvittering-{respondent.round.year}-{sheet.row.orgnr}.pdf",
            answer_sheet_pdf(sheet),
            "application/pdf",
        )
    message.send()
    return True


def ar_reopen(
    respondent: Respondent, *, user: User | None, reason: str, now: datetime | None = None
) -> None:
    """Opens a submitted ÅR answer again for correction, while the round takes answers: the
    answers become the respondent's draft again, the reason goes to the audit log. The caller
    queues the notice to the respondent (`reopen_notice_send`) once this has committed."""
    reason = reason.strip()
    if not reason:
        raise CannotReopen(_("Write why the answers are opened again."))
    if len(reason) > REASON_MAX_LENGTH:
        raise CannotReopen(_("The reason can be at most %d characters.") % REASON_MAX_LENGTH)
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Respondent.objects.select_for_update()
            .select_related("round")
            .filter(pk=respondent.pk, round__kind=SurveyKind.AR)
            .first()
        )
        if locked is None or locked.answered_at is None:
            raise CannotReopen(_("These answers have not been submitted, or are already open."))
        if not locked.round.opens_at <= now < locked.round.closes_at:
            raise CannotReopen(_("The round is closed: answers can no longer be corrected."))
        answers: dict = {}
        for response in locked.identified_responses.all():
            answers.update(response.answers)
        locked.identified_responses.all().delete()
        Draft.objects.update_or_create(respondent=locked, defaults={"answers": answers, "page": 1})
        Respondent.objects.filter(pk=locked.pk).update(answered_at=None)
        audit_record(
            AuditAction.AR_REOPENED,
            user=user,
            county=locked.county,
            target=_("%(round)s: answers of %(unit)s opened again")
            % {"round": locked.round, "unit": unit_name(locked)},
            detail={"round_id": locked.round_id, "respondent_id": locked.pk, "reason": reason},
        )
    respondent.answered_at = None


def reopen_notice_send(respondent_id: int, reason: str) -> bool:
    """Tells the respondent their answers are open again and why."""
    respondent = (
        Respondent.objects.select_related("round", "company", "training_office")
        .filter(pk=respondent_id)
        .first()
    )
    if respondent is None or not respondent.email or not respondent.email_valid:
        return False
    with translation.override(_language(respondent)):
        name = unit_name(respondent)
        subject = _("%(round)s: your answers are open for correction") % {
            "round": respondent.round
        }
        body = _(
            "The county authority has opened the answers of %(unit)s to %(round)s again so "
            "that they can be corrected.\n\nThe county's reason: %(reason)s\n\nOpen the link "
            "in the last e-mail or SMS you received about %(round)s, correct the answers and "
            "submit them again by %(last_day)s.\n"
        ) % {
            "unit": name,
            "round": respondent.round,
            "reason": reason,
            "last_day": respondent.round.last_answer_day.strftime("%d.%m.%Y"),
        }
    EmailMessage(subject, body, to=[respondent.email]).send()
    return True
