"""Near-duplicate passages folded into the best-ranked one of their kind.

A municipality's archive holds the same text many times: a status note in
a committee's agenda and again as an appendix, next year's note repeating
last year's with new figures, the same paragraph in every grant application
for a programme. Five copies of one passage in the top five hide everything
else from the user and give the answer layer nothing new to choose from. Two
passages are near-duplicates when their sets of words overlap (Jaccard) by
at least the configured similarity. Numbers are left out of the comparison,
because they are exactly what such copies change.
"""

from __future__ import annotations

from collections.abc import Iterable

from ishoj_assistant.danish import words
from ishoj_assistant.models import Passage


def word_shape(text: str) -> frozenset[str]:
    """The passage's distinct words without numbers: what its copies have in common."""
    return frozenset(word for word in words(text) if not word[0].isdigit())


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def distinct_passages(ranked: Iterable[Passage], k: int, similarity: float) -> list[Passage]:
    """The first ``k`` passages of a ranking that are not near-duplicates of a better-ranked one."""
    kept: list[Passage] = []
    shapes: list[frozenset[str]] = []
    for passage in ranked:
        if len(kept) >= k:
            break
        shape = word_shape(passage.text)
        if any(jaccard(shape, other) >= similarity for other in shapes):
            continue
        kept.append(passage)
        shapes.append(shape)
    return kept
