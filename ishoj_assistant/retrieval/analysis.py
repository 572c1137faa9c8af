"""Term analysers for the keyword indexes: one function per signal.

Each analyser turns a text into the terms one bm25 index is built from; the
same function is applied to chunks and to queries, so index and query can
never drift apart.
"""

from __future__ import annotations

from typing import Callable

from ishoj_assistant.danish import content_terms

Analyser = Callable[[str], list[str]]


def stem_terms(text: str) -> list[str]:
    """Snowball stems of the Danish content words (stopwords dropped)."""
    return content_terms(text)


def make_ngram_analyser(n: int) -> Analyser:
    """Character n-grams of each content stem: the Danish compound signal.

    Danish glues words together ("kontinensklinikken", "omsorgstandplejen"),
    so a question's "inkontinens" or "tandpleje" shares no whole stem with the
    passage, but it shares most of its n-grams. Stems shorter than n are kept
    whole so short words still count.
    """

    def ngrams(text: str) -> list[str]:
        out: list[str] = []
        for term in content_terms(text):
            if len(term) <= n:
                out.append(term)
            else:
                out.extend(term[i : i + n] for i in range(len(term) - n + 1))
        return out

    return ngrams
