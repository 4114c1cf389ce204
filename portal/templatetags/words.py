"""Words for codes a page would otherwise show: a language's name instead of its code, the
registers' short names explained."""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy

register = template.Library()

LANGUAGE_NAMES = {
    "nb": gettext_lazy("Bokmål"),
    "nn": gettext_lazy("Nynorsk"),
    "en": gettext_lazy("English"),
}


@register.filter
def language_name(code: str) -> str:
    """The language's name in the page's language ("nb" → "bokmål" on a bokmål page); an
    unknown code is named as such, never shown bare."""
    name = LANGUAGE_NAMES.get(str(code or ""))
    return str(name) if name is not None else gettext("another language")


# The registers a county works in, explained where their short names appear (the help's
# glossary says the same at more length).
ABBREVIATIONS = {
    "VIGO": gettext_lazy("the counties' shared system for admissions and vocational training"),
    "NLR": gettext_lazy("the national register of training companies"),
    "NOR": gettext_lazy("the national register of training offices"),
}
_ABBREVIATION = re.compile(r"\b(" + "|".join(ABBREVIATIONS) + r")\b")


@register.filter(needs_autoescape=True)
def abbreviations(text: str, autoescape: bool = True) -> SafeString:
    """The text with VIGO, NLR and NOR each in an <abbr title> that says what it is."""
    escaped = conditional_escape(text) if autoescape else str(text)
    return mark_safe(  # noqa: S308  # the text is escaped above, the titles are ours
        _ABBREVIATION.sub(
            lambda match: format_html(
                '<abbr title="{}">{}</abbr>', ABBREVIATIONS[match.group(1)], match.group(1)
            ),
            escaped,
        )
    )
