"""The texts of a message, from the template files under templates/dispatch/messages/<language>/
(`<survey>-<purpose>-subject.txt`, `-body.txt`, `-body.html`, `-sms.txt`).

A template is rendered once per variant (survey, purpose, language, sender, last day and the
flags the text depends on) with markers where the recipient's own values go; each message then
only has those markers replaced. That keeps rendering tens of thousands of messages cheap, and
is the same shape as an e-mail provider's batch merge (`merged`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape

FIELDS = ("first_name", "link", "unit")
_MARK = {field: f"\x1a{field}\x1a" for field in FIELDS}
PARTS = ("subject", "text", "html", "sms")
_FILES = {
    "subject": "subject.txt",
    "text": "body.txt",
    "html": "body.html",
    "sms": "sms.txt",
}


@dataclass(frozen=True)
class Variant:
    survey: str  # lu, ar, lbu
    purpose: str  # invitation, reminder, gathering
    language: str
    sender: str
    last_day: date
    has_name: bool = True
    continues_to_lbu: bool = False


@dataclass(frozen=True)
class Texts:
    subject: str
    text: str
    html: str
    sms: str


def template_name(survey: str, purpose: str, language: str, part: str) -> str:
    return f"dispatch/messages/{language}/{survey}-{purpose}-{_FILES[part]}"


@lru_cache(maxsize=1024)
def _rendered(variant: Variant, part: str, marks: tuple[tuple[str, str], ...]) -> str:
    with translation.override(variant.language):
        context = {
            "language": variant.language,
            "sender": variant.sender,
            "last_day": date_format(variant.last_day, "DATE_FORMAT"),
            "last_day_short": date_format(variant.last_day, "SHORT_DATE_FORMAT"),
            "has_name": variant.has_name,
            "continues_to_lbu": variant.continues_to_lbu,
            **dict(marks),
        }
        if part == "html":
            context["subject"] = _rendered(variant, "subject", marks)
        name = template_name(variant.survey, variant.purpose, variant.language, part)
        text = render_to_string(name, context)
    return text.strip() if part != "html" else text


def template(variant: Variant, part: str, marks: dict[str, str] | None = None) -> str:
    """The part rendered with `marks` where the recipient's values go (default: our own
    markers; an e-mail provider's merge fields for a batch)."""
    marks = marks or _MARK
    return _rendered(variant, part, tuple(sorted(marks.items())))


def fill(rendered: str, values: dict[str, str], *, html: bool = False) -> str:
    for field, value in values.items():
        rendered = rendered.replace(_MARK[field], escape(value) if html else value)
    return rendered


def texts(variant: Variant, *, first_name: str, link: str, unit: str = "") -> Texts:
    values = {"first_name": first_name, "link": link, "unit": unit}
    return Texts(
        subject=fill(template(variant, "subject"), values),
        text=fill(template(variant, "text"), values),
        html=fill(template(variant, "html"), values, html=True),
        sms=fill(template(variant, "sms"), values),
    )


def sms_text(variant: Variant, *, first_name: str, link: str, unit: str = "") -> str:
    return fill(template(variant, "sms"), {"first_name": first_name, "link": link, "unit": unit})


def first_name_of(name: str) -> str:
    return name.split()[0] if name.strip() else ""
