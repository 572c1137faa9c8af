"""Masking of Danish CPR numbers before anything is stored or embedded.

Municipal documents sometimes carry a citizen's CPR number. It must never
reach the index, the embedding cache or an answer, so it is replaced during
cleaning, while the rest of the sentence stays quotable.
"""

from __future__ import annotations

import re

CPR_MASK = "XXXXXX-XXXX"
_CPR = re.compile(r"(?<![\d-])(\d{2})(\d{2})(\d{2})[- ]?(\d{4})(?![\d-])")


def _is_plausible_date(day: str, month: str) -> bool:
    # Replacement CPR numbers add 60 to the day; accept those too.
    d, m = int(day), int(month)
    return (1 <= d <= 31 or 61 <= d <= 91) and 1 <= m <= 12


def mask_cpr(text: str) -> tuple[str, int]:
    """Replace CPR numbers (ddmmyy-xxxx and ddmmyyxxxx) and count them."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        if not _is_plausible_date(match.group(1), match.group(2)):
            return match.group(0)
        count += 1
        return CPR_MASK

    return _CPR.sub(replace, text), count
