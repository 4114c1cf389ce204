"""What a county or a training office hands out to those asked to answer (R-L9: the county
informs the respondents): the information letters of LU and LBU as the respondents read them,
and a handout with the address where a personal code is typed and its QR code, to print for a
gathering or put on a notice board. Each in bokmål, nynorsk and English, whatever the language
of the page that offers them."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from portal.lib.client import language_codes
from surveys.models import Round, SurveyKind
from surveys.selectors import kind_from_slug

# The surveys whose respondents get a letter and a handout; ÅR is answered by the unit's
# leader through its own link and needs neither.
KINDS = (SurveyKind.LU, SurveyKind.LBU)


def material_rounds() -> list[Round]:
    """The newest round of each survey with a letter, LU first."""
    rounds = []
    for kind in KINDS:
        newest = (
            Round.objects.filter(kind=kind).select_related("questionnaire").order_by("-year").first()
        )
        if newest is not None:
            rounds.append(newest)
    return rounds


def material_round(year: int, kind_slug: str) -> Round:
    kind = kind_from_slug(kind_slug)
    if kind not in KINDS:
        raise Http404
    round_ = Round.objects.filter(year=year, kind=kind).select_related("questionnaire").first()
    if round_ is None:
        raise Http404
    return round_


def material_language(value: str) -> str:
    """The language asked for (?sprak=nn), bokmål when none or an unknown one."""
    return value if value in language_codes() else language_codes()[0]


@dataclass(frozen=True)
class Letter:
    round: Round
    language: str
    title: str
    text: str


def letter_of(round_: Round, language: str) -> Letter:
    questionnaire = round_.questionnaire
    return Letter(
        round=round_,
        language=language,
        title=questionnaire.title.get(language) or questionnaire.title.get("nb", ""),
        text=questionnaire.information_letter.get(language)
        or questionnaire.information_letter.get("nb", ""),
    )


@dataclass(frozen=True)
class Handout:
    round: Round
    language: str
    title: str
    address: str
    lines: tuple[str, ...]


def handout_of(round_: Round, language: str, address: str) -> Handout:
    """The handout's words in `language`: where to go, what to type, what happens to the
    answers."""
    letter = letter_of(round_, language)
    with translation.override(language):
        lines = (
            _("Have you been given a personal code for %(survey)s?") % {"survey": letter.title},
            _("Scan the QR code with your phone, or go to %(address)s and type your code.")
            % {"address": address},
            _(
                "If you have received an e-mail or SMS about the survey, you can use its link "
                "instead."
            ),
            _("Answering is voluntary, and nobody can see what you answered.")
            if round_.kind == SurveyKind.LU
            else _("Answering is voluntary. You are asked for your consent first."),
            _("Questions? Contact your county authority or your training office."),
        )
    return Handout(round_, language, letter.title, address, lines)
