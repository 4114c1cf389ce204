"""The page where a county or a training office writes its own words for the messages of one
survey, one language at a time, and sees a reminder written with them (e-mail and SMS, with the
SMS's length) before saving."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dispatch.audience import Sender
from dispatch.forms import OwnWordsForm
from dispatch.models import OwnWords, Purpose
from dispatch.own_words import PARTS, PLACEHOLDERS, OwnText, own_words_of
from dispatch.rendering import Texts, Variant, texts
from dispatch.services.order_rules import sender_label
from dispatch.services.preview import example_link
from dispatch.sms_segments import SmsLength, sms_length
from dispatch.views import _base, both
from portal.accounts.access import PortalRequest
from portal.lib.oslo import oslo_today
from surveys.models import Round, SurveyKind
from surveys.selectors import kind_from_slug, kind_slug


@dataclass
class WordsPreview:
    texts: Texts
    sms: SmsLength
    sms_without: SmsLength  # the same SMS without the own words

    @property
    def sms_longer(self) -> bool:
        return self.sms.segments > self.sms_without.segments

    @property
    def ucs2_from_words(self) -> bool:
        return self.sms.encoding != "GSM-7" and self.sms_without.encoding == "GSM-7"


def _last_day(kind: str) -> date:
    latest = Round.objects.filter(kind=kind).order_by("-year").first()
    return latest.last_answer_day if latest else oslo_today()


def words_preview(sender: Sender, kind: str, language: str, own: OwnText) -> WordsPreview:
    """A reminder of the survey written with the words, as the recipients would get it (with an
    example link, and the first name and unit left as placeholders)."""
    is_ar = kind == SurveyKind.AR
    variant = Variant(
        survey=kind_slug(kind),
        purpose=Purpose.REMINDER,
        language=language,
        sender=sender_label(sender, language),
        last_day=_last_day(kind),
        own=own or None,
    )
    values = {
        "first_name": _("(first name)"),
        "link": example_link(),
        "unit": _("(training office)") if is_ar and not sender.is_county else _("(company)"),
    }
    written = texts(variant, **values)
    without = texts(Variant(**{**variant.__dict__, "own": None}), **values)
    return WordsPreview(written, sms_length(written.sms), sms_length(without.sms))


@require_http_methods(["GET", "POST"])
def own_words_edit(request: PortalRequest, sender: Sender, kind: str) -> HttpResponse:
    survey = kind_from_slug(kind)
    if survey is None:
        raise Http404
    languages = [code for code, _name in settings.LANGUAGES]
    language = request.POST.get("language") or request.GET.get("sprak") or "nb"
    if language not in languages:
        raise Http404
    saved = own_words_of(sender, survey).get(language)
    initial = {part: getattr(saved, part) for part in PARTS} if saved else {}
    form = OwnWordsForm(request.POST or None, initial=initial)
    own = OwnText(**initial) if saved else OwnText()
    if request.method == "POST" and form.is_valid():
        own = OwnText(**{part: form.cleaned_data[part].strip() for part in PARTS})
        if "save" in request.POST:
            OwnWords.objects.update_or_create(
                kind=survey,
                language=language,
                **sender.filter,
                defaults={**own.__dict__, "updated_by": request.user},
            )
            messages.success(request, _("Your own words were saved."))
            here = sender.route("own_words", kind)
            return redirect(f"{here}?sprak={language}")
    url = sender.route("own_words", kind)
    context = _base(sender) | {
        "survey": survey,
        "survey_name": SurveyKind(survey).label,
        "language": language,
        "form": form,
        "preview": words_preview(sender, survey, language, own),
        "placeholders": [f"{{{name}}}" for name in PLACEHOLDERS],
        "language_urls": [(code, name, f"{url}?sprak={code}") for code, name in settings.LANGUAGES],
        "survey_urls": [
            (k.label, sender.route("own_words", kind_slug(k)), k == survey) for k in SurveyKind
        ],
        "back_url": sender.route("dispatches_latest"),
        "saved": saved,
    }
    return render(request, "dispatch/own_words.html", context)


county_own_words, office_own_words = both(own_words_edit)
