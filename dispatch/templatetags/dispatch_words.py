"""What a dispatch kept of its targeting and own words, in words for its pages."""

from __future__ import annotations

from django import template

from dispatch.targeting import targeting_description

register = template.Library()


@register.filter
def limited_to(kept: dict) -> str:
    """Whom a dispatch was limited to, in a sentence; empty when it was not."""
    return targeting_description(kept or {})
