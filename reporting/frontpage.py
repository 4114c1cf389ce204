"""The report portal's panels and navigation entries on the organisations' front pages."""

from __future__ import annotations


def register() -> None:
    pass
