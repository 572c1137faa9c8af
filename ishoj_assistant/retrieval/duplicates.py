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

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from ishoj_assistant.models import Passage

_LETTERS = re.compile(r"[^\W\d_]+")
# Shapes of recently ranked chunks: the same copies come back query after query.
_SHAPE_CACHE = 8192


def word_shape(text: str) -> frozenset[str]:
    """The passage's distinct words without numbers, lower-cased: what its copies have in common.

    Not :func:`ishoj_assistant.danish.words`: its NFC normalisation and
    hyphen handling made this 2.4 times slower on the search path, and copies
    of a text are spelled alike, so they add nothing here.
    """
    return frozenset(_LETTERS.findall(text.lower()))


@lru_cache(maxsize=_SHAPE_CACHE)
def _chunk_shape(chunk_id: str, text: str) -> frozenset[str]:
    return word_shape(text)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def near_duplicate(a: frozenset[str], b: frozenset[str], similarity: float) -> bool:
    """Two word shapes overlap by at least ``similarity`` (Jaccard)."""
    # Jaccard is at most the ratio of the sizes: most pairs are ruled out without a set operation.
    small, large = sorted((len(a), len(b)))
    return small >= similarity * large and jaccard(a, b) >= similarity


def distinct_shapes(shapes: Iterable[frozenset[str]], similarity: float) -> Iterator[tuple[int, frozenset[str]]]:
    """(position, shape) of each shape that is no near-duplicate of an earlier one kept."""
    kept: list[frozenset[str]] = []
    for position, shape in enumerate(shapes):
        if not any(near_duplicate(shape, other, similarity) for other in kept):
            kept.append(shape)
            yield position, shape


def distinct_passages(ranked: Sequence[Passage], k: int, similarity: float) -> list[Passage]:
    """The first ``k`` passages of a ranking that are not near-duplicates of a better-ranked one."""
    shapes = (_chunk_shape(p.chunk.chunk_id, p.text) for p in ranked)
    return [ranked[position] for position, _ in itertools.islice(distinct_shapes(shapes, similarity), k)]
