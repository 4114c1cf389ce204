"""{% register_as_of_text %}: which extract of the register a page shows
(portal.organisations.register_extract)."""

from __future__ import annotations

from django import template

from portal.organisations.register_extract import extract_imported_at, register_as_of

register = template.Library()


@register.simple_tag
def register_as_of_text() -> str:
    return register_as_of(extract_imported_at())
