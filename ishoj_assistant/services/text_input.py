"""Checks on text users type (questions, search queries), shared by the API and the UI."""

from __future__ import annotations

import unicodedata

MAX_QUESTION_CHARS = 2000
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def refuse_surrogates(value: str, what: str) -> str:
    """A lone surrogate (JSON "\\ud800") cannot be encoded, so the embedder would fail on it."""
    if any(unicodedata.category(ch) == "Cs" for ch in value):
        raise ValueError(f"{what} indeholder ugyldige tegn (en ufuldstændig unicode-surrogat)")
    return value


def _agreeing(noun: str, adjective: str) -> str:
    """The adjective in the noun's gender: a neuter noun in its definite form ends in -et
    ("Spørgsmålet er tomt"), a common one in -en ("Søgningen er tom")."""
    return adjective + "t" if noun.endswith("et") else adjective


def check_text(value: str, what: str) -> str:
    """Refuse empty, over-long, control-character or unencodable text; HTML is kept (escaped when shown).

    ``what`` is the field's noun in its definite form ("Spørgsmålet", "Søgningen").
    """
    if not value.strip():
        raise ValueError(f"{what} må ikke være {_agreeing(what, 'tom')}")
    if len(value) > MAX_QUESTION_CHARS:
        raise ValueError(f"{what} er for {_agreeing(what, 'lang')} (højst {MAX_QUESTION_CHARS} tegn)")
    if any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS for ch in value):
        raise ValueError(f"{what} indeholder ugyldige kontroltegn")
    return refuse_surrogates(value, what).strip()
