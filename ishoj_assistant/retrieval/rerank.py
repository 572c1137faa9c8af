"""Re-ordering the top of the fused ranking by each passage's closest sentence to the question.

A chunk's own vector averages everything it says: a summary that touches ten
initiatives and the status section of the one asked about end up equally
close to the question, and the passages a comparison needs from a second
document sink below the first document's near-copies. The sentence (or
heading) closest to the question tells them apart, since the answer is in one
sentence, not in the chunk's average. The units and their vectors are the
answer layer's, embedded at ingest, so this costs lookups, not embeddings.
When a chunk's units were never embedded (a cache lost, chunks written by
another tool), the query keeps the fused order: embedding sentences at query
time would cost seconds, and a mix of known and unknown closeness would
compare unlike things.

The score of the top ``depth`` passages is ``1 / (1 + fused place) +
weight × the closest unit's cosine``. ``weight`` is chosen by cross-validation
with the fusion's weights (benchmarks/retrieval_ablation.py, docs/retrieval.md);
``depth`` 10 did as well as 15 and better than 6 in the same check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ishoj_assistant.models import Chunk, Passage

# Chunks whose unit vectors are kept in memory: the top ten of a couple of hundred queries, about
# 50 MB at some fifteen 384-dimensional units a chunk (the cache answers the rest in a millisecond or two).
_CACHED_CHUNKS = 2_000


@dataclass(frozen=True)
class ClosestUnitRerank:
    """Moves a passage up when one of its sentences or headings is closer to the question than its neighbours'."""

    query_vector: Callable[[str], np.ndarray]
    unit_vectors: Callable[[Chunk], np.ndarray | None]  # a row per unit (sentence, item, heading); None if not embedded
    weight: float
    depth: int
    _vectors: dict[Chunk, np.ndarray] = field(default_factory=dict, compare=False, repr=False)  # by value

    def __call__(self, query: str, passages: Sequence[Passage]) -> list[Passage]:
        """The passages with their top ``depth`` re-ordered; each place keeps its fused score, so scores still descend."""
        head = list(passages[: self.depth])
        if self.weight <= 0 or len(head) < 2:
            return list(passages)
        vector = self.query_vector(query)
        closest: list[float] = []
        for passage in head:
            cosine = self.closest(vector, passage.chunk)
            if cosine is None:  # one chunk's units were never embedded: the rest need not be looked up
                return list(passages)
            closest.append(cosine)
        score = [1.0 / (1 + place) + self.weight * c for place, c in enumerate(closest)]
        order = sorted(range(len(head)), key=lambda i: -score[i])
        reordered = [Passage(head[i].chunk, head[place].score) for place, i in enumerate(order)]
        return reordered + list(passages[self.depth :])

    def closest(self, query_vector: np.ndarray, chunk: Chunk) -> float | None:
        """The highest cosine between the question and one of the chunk's units: 0 for a chunk without
        units, None when its units were never embedded."""
        vectors = self._chunk_vectors(chunk)
        if vectors is None:
            return None
        return float((vectors @ query_vector).max()) if len(vectors) else 0.0

    def _chunk_vectors(self, chunk: Chunk) -> np.ndarray | None:
        if chunk in self._vectors:  # a re-ingested chunk with other text is another key
            return self._vectors[chunk]
        vectors = self.unit_vectors(chunk)
        if vectors is not None:  # not embedded yet may change (an ingest running now): ask again next time
            if len(self._vectors) >= _CACHED_CHUNKS:
                self._vectors.clear()
            self._vectors[chunk] = vectors
        return vectors
