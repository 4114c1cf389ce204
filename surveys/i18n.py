"""Questionnaire texts are stored per language ({"nb": ..., "nn": ..., "en": ...}) because they
come from the questionnaire files, not from the translation catalogues."""

from __future__ import annotations

from django.utils.translation import get_language


def localized(texts: dict[str, str] | None, language: str | None = None) -> str:
    """The text in the active language, falling back to bokmål."""
    if not texts:
        return ""
    language = (language or get_language() or "nb")[:2]
    return texts.get(language) or texts.get("nb") or next(iter(texts.values()), "")
