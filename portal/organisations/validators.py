"""Validation of Norwegian organisation numbers, shared by forms, models and the importer."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import orgnr as stdnum_orgnr


def normalise_orgnr(value: str) -> str:
    """The nine digits of an organisation number, or ValidationError saying what is wrong."""
    try:
        return stdnum_orgnr.validate(value)
    except StdnumError:
        raise ValidationError(
            _("%(value)s is not a valid organisation number (nine digits, valid check digit)"),
            code="invalid_orgnr",
            params={"value": value},
        ) from None


def validate_orgnr(value: str) -> None:
    normalise_orgnr(value)
