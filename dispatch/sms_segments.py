"""SMS length: GSM 03.38 (7-bit) or UCS-2, and the number of segments a text is sent in.

A text made only of the GSM basic table (which has æøåÆØÅ) and its extension table (whose
characters € [ ] { } \\ ^ ~ | and form feed take two septets) goes as GSM-7: 160 septets in one
segment, 153 per segment when split. Any other character (a curly quote, an emoji, á) makes
the whole text UCS-2: 70 UTF-16 units in one segment, 67 per segment when split."""

from __future__ import annotations

from dataclasses import dataclass

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    first_non_gsm: str = ""  # the first character that forces UCS-2


def first_non_gsm(text: str) -> str:
    for char in text:
        if char not in GSM_BASIC and char not in GSM_EXTENSION:
            return char
    return ""


def _segments_gsm(text: str) -> tuple[int, int]:
    septets = [2 if char in GSM_EXTENSION else 1 for char in text]
    total = sum(septets)
    if total <= GSM_SINGLE:
        return total, 1
    # An escape and its character are never split across two segments.
    segments, used = 1, 0
    for size in septets:
        if used + size > GSM_PART:
            segments, used = segments + 1, 0
        used += size
    return total, segments


def _segments_ucs2(text: str) -> tuple[int, int]:
    units = [2 if ord(char) > 0xFFFF else 1 for char in text]
    total = sum(units)
    if total <= UCS2_SINGLE:
        return total, 1
    # A surrogate pair is never split either.
    segments, used = 1, 0
    for size in units:
        if used + size > UCS2_PART:
            segments, used = segments + 1, 0
        used += size
    return total, segments


def sms_length(text: str) -> SmsLength:
    """The encoding, length and number of segments of one SMS text."""
    char = first_non_gsm(text)
    if char:
        units, segments = _segments_ucs2(text)
        return SmsLength("UCS-2", units, segments, char)
    units, segments = _segments_gsm(text)
    return SmsLength("GSM-7", units, segments)


def _plain(char: str) -> bool:
    return char in GSM_BASIC and char != "\x1b"


def shape(value: str) -> str | int:
    """What of a value put in an SMS decides the text's segments: only its length, when it is
    made of characters that are one unit in either encoding and change neither; else the value
    itself (an extension character's place decides where a segment ends)."""
    return len(value) if all(_plain(char) for char in value) else value
