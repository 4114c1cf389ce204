"""The texts of a message, from the template files under templates/dispatch/messages/<language>/
(`<survey>-<purpose>-subject.txt`, `-body.txt`, `-body.html`, `-sms.txt`).

A template is rendered once per variant (survey, purpose, language, sender, last day and the
flags the text depends on) with markers where the recipient's own values go; each message then
only has those markers replaced. That keeps rendering tens of thousands of messages cheap, and
is the same shape as an e-mail provider's batch merge (`merged`).

A sender's own words (dispatch.own_words), when the variant has them, go into the rendered text
of every message template alike: the introduction after the greeting, the contact line before
the sign-off and the signature in place of the sign-off."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape, linebreaks

from dispatch.own_words import OwnText, fill_placeholders

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
    own: OwnText | None = None


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
        text: str = render_to_string(name, context)
        if variant.own and part != "subject":
            values: dict[str, str] = {
                "sender": variant.sender,
                "last_day": str(context["last_day_short" if part == "sms" else "last_day"]),
                **dict(marks),
            }
            text = _OWN_WORDS[part](text.strip() if part != "html" else text, variant.own, values)
    return text.strip() if part != "html" else text


def _words(own: OwnText, values: dict[str, str]) -> tuple[str, str, str]:
    intro, contact, signature = (
        fill_placeholders(getattr(own, part).strip(), values)
        for part in ("introduction", "contact", "signature")
    )
    return intro, contact, signature


def _own_text(text: str, own: OwnText, values: dict[str, str]) -> str:
    """Paragraphs: the greeting first, the sign-off last."""
    intro, contact, signature = _words(own, values)
    paragraphs = text.split("\n\n")
    if len(paragraphs) < 2:
        return "\n\n".join(p for p in (intro, text, contact, signature) if p)
    first, middle, last = paragraphs[0], paragraphs[1:-1], paragraphs[-1]
    parts = [first, intro, *middle, contact, signature or last]
    return "\n\n".join(p for p in parts if p)


_P = re.compile(r"<p>.*?</p>", re.S)


def _own_html(text: str, own: OwnText, values: dict[str, str]) -> str:
    """The body's paragraphs: the greeting first, the sign-off last."""
    intro, contact, signature = (linebreaks(escape(w)) if w else "" for w in _words(own, values))
    found = list(_P.finditer(text))
    if len(found) < 2:
        return text.replace("</body>", f"{intro}{contact}{signature}</body>")
    first, last = found[0], found[-1]
    return "".join(
        (
            text[: first.end()],
            "\n" + intro if intro else "",
            text[first.end() : last.start()],
            contact + "\n" if contact else "",
            signature or last.group(0),
            text[last.end() :],
        )
    )


def _own_sms(text: str, own: OwnText, values: dict[str, str]) -> str:
    """One line: the greeting ends at the first "! ", the sign-off follows the link and ends
    before the last sentence (how to stop SMS)."""
    intro, contact, signature = (" ".join(w.split()) for w in _words(own, values))
    greeting, bang, rest = text.partition("! ")
    if not bang:
        greeting, rest = "", text
    link = values.get("link", "")
    before, at_link, after = rest.partition(link + " ") if link else (rest, "", "")
    signoff, stop = after.rsplit(". ", 1) if ". " in after else (after, "")
    if not at_link or not stop:
        return " ".join(p for p in (text, contact, signature) if p)
    signature = signature.rstrip(".") if signature else signoff
    if contact and contact[-1] not in ".!?":
        contact += "."
    ending = " ".join(p for p in (contact, signature + ".", stop) if p)
    head = f"{greeting}{bang}{intro + ' ' if intro else ''}"
    return f"{head}{before}{at_link}{ending}"


_OWN_WORDS = {"text": _own_text, "html": _own_html, "sms": _own_sms}


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
