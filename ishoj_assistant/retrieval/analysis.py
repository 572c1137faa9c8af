"""Term analysers for the keyword indexes: one per signal.

Every signal starts from the same Danish content stems
(:func:`ishoj_assistant.danish.content_terms`) and expands each stem into its
own terms. The same analyser is applied to chunks and to queries, so index and
query can never drift apart; splitting "text -> stems" from "stem -> terms"
lets an index build stem each chunk once for all signals and cache the
per-stem expansion, which is what dominated the build time at 100,000 chunks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from ishoj_assistant.danish import content_terms


@dataclass(frozen=True)
class Analyser:
    """Turns a text (or its already computed stems) into one signal's terms."""

    expand: Callable[[str], tuple[str, ...]]

    def terms_of_stems(self, stems: list[str]) -> list[str]:
        return [term for stem in stems for term in self.expand(stem)]

    def __call__(self, text: str) -> list[str]:
        return self.terms_of_stems(content_terms(text))


def _whole(stem: str) -> tuple[str, ...]:
    return (stem,)


STEM_ANALYSER = Analyser(_whole)
"""Snowball stems of the Danish content words (stopwords dropped)."""


def make_ngram_analyser(n: int) -> Analyser:
    """Character n-grams of each content stem: the Danish compound signal.

    Danish glues words together ("kontinensklinikken", "omsorgstandplejen"),
    so a question's "inkontinens" or "tandpleje" shares no whole stem with the
    passage, but it shares most of its n-grams. Stems shorter than n are kept
    whole so short words still count.
    """

    @lru_cache(maxsize=200_000)
    def ngrams(stem: str) -> tuple[str, ...]:
        if len(stem) <= n:
            return (stem,)
        return tuple(stem[i : i + n] for i in range(len(stem) - n + 1))

    return Analyser(ngrams)
