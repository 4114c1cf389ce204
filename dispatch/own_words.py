"""A sender's own words in its messages (an introduction, a signature and a contact line per
survey and language): their placeholders, checked against the ones the message texts know;
the words in force for a dispatch, copied onto it when it is ordered; and how they go into a
rendered text (dispatch.rendering).

A placeholder is a name in braces, {first_name}: the recipient's first name, {unit} the
company or training office the message is about, {link} the personal link, {sender} the
sender's name and {last_day} the last day to answer. Empty words leave the portal's own
text: no introduction, the usual greeting from the sender, no contact line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from dispatch.audience import Sender
from dispatch.models import OwnWords

PLACEHOLDERS = ("first_name", "unit", "link", "sender", "last_day")
PARTS = ("introduction", "signature", "contact")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class OwnText:
    """The own words of one language, as a message is written with them."""

    introduction: str = ""
    signature: str = ""
    contact: str = ""

    def __bool__(self) -> bool:
        return bool(self.introduction or self.signature or self.contact)

    def as_dict(self) -> dict[str, str]:
        return {part: getattr(self, part) for part in PARTS if getattr(self, part)}


def placeholder_list() -> str:
    return ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)


def placeholder_errors(text: str) -> list[str]:
    """What is wrong with the placeholders of a text, each in a sentence that names it."""
    errors = []
    for name in _PLACEHOLDER.findall(text):
        if name not in PLACEHOLDERS:
            errors.append(
                _("Unknown placeholder {%(name)s}. The ones you can use are %(known)s.")
                % {"name": name, "known": placeholder_list()}
            )
    rest = _PLACEHOLDER.sub("", text)
    if "{" in rest or "}" in rest:
        errors.append(
            _("A brace is not closed: write a placeholder as a name in braces, like {first_name}.")
        )
    return errors


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """The text with each known placeholder replaced by its value (a checked text has no
    other)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def own_words_of(sender: Sender, kind: str) -> dict[str, OwnWords]:
    """The sender's saved words for the survey, by language."""
    rows = OwnWords.objects.filter(kind=kind, **sender.filter)
    return {row.language: row for row in rows}


def own_words_snapshot(sender: Sender, kind: str) -> dict[str, dict[str, str]]:
    """What a dispatch keeps: the words in force per language, empty parts and languages left
    out."""
    snapshot = {}
    for language, row in own_words_of(sender, kind).items():
        text = OwnText(row.introduction.strip(), row.signature.strip(), row.contact.strip())
        if text:
            snapshot[language] = text.as_dict()
    return snapshot


def own_text(snapshot: dict | None, language: str) -> OwnText | None:
    """The words of one language in a snapshot, None when it has none."""
    words = (snapshot or {}).get(language)
    if not words:
        return None
    text = OwnText(**{part: words.get(part, "") for part in PARTS})
    return text or None
