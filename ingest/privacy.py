"""Masking of Danish CPR numbers before anything is stored or embedded.

Municipal documents sometimes carry a citizen's CPR number. It must never
reach the index, the embedding cache, a file name or an answer, so it is
replaced during cleaning (and in file names), while the rest of the sentence
stays quotable. People write the number in many ways: with or without a
hyphen, with an en dash, a non-breaking hyphen, a slash or " - " before the
serial part, and with spaces, dots or hyphens between day, month and year.
"""

from __future__ import annotations

import re

CPR_MASK = "XXXXXX-XXXX"
# Hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, em dash, minus sign, slash.
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2212/"
_BLANKS = " \u00a0\u202f"
# Between day, month and year: nothing, one blank, a dot or a dash.
_DATE_SEP = f"[{_BLANKS}.{_DASHES}]?"
# Before the serial part: nothing, blanks, or a dash with optional blanks around it.
_SERIAL_SEP = f"(?:[{_BLANKS}]*[{_DASHES}][{_BLANKS}]*|[{_BLANKS}.]?)"
_CPR = re.compile(
    f"(?<![\\d{_DASHES}.])(\\d{{2}}){_DATE_SEP}(\\d{{2}}){_DATE_SEP}(\\d{{2}}){_SERIAL_SEP}(\\d{{4}})(?![\\d])"
)


def _is_plausible_date(day: str, month: str) -> bool:
    # Replacement CPR numbers add 60 to the day; accept those too.
    d, m = int(day), int(month)
    return (1 <= d <= 31 or 61 <= d <= 91) and 1 <= m <= 12


def mask_cpr(text: str) -> tuple[str, int]:
    """Replace CPR numbers (any of the spellings in the module docstring) and count them."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        if not _is_plausible_date(match.group(1), match.group(2)):
            return match.group(0)
        count += 1
        return CPR_MASK

    return _CPR.sub(replace, text), count


def mask_name(name: str) -> str:
    """A file name with its CPR numbers masked: names become doc ids, titles and citations."""
    return mask_cpr(name)[0]
