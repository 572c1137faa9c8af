"""Hybrid retrieval: whole-stem bm25, compound n-gram bm25 and dense e5, fused.

No single signal is reliable on Danish municipal prose: bm25 misses
paraphrases, e5-small misses exact numbers and names, and both miss a
question's "tandpleje" against the document's "omsorgstandplejen". Weighted
reciprocal rank fusion combines them without calibrating their incomparable
scores; the weights live in the settings. Near-duplicates of a better-ranked
passage are left out of the result (retrieval/duplicates.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ishoj_assistant.models import Chunk, Passage, SearchFilters
from ishoj_assistant.retrieval.dense import DenseRetriever
from ishoj_assistant.retrieval.duplicates import distinct_passages
from ishoj_assistant.retrieval.keyword import KeywordSearcher
from ishoj_assistant.settings import Settings

SIGNALS = ("bm25", "ngram", "dense")


@dataclass(frozen=True)
class FusionWeights:
    """RRF weight per signal; a zero weight switches a signal off (and skips its cost)."""

    bm25: float = 1.0
    ngram: float = 1.0
    dense: float = 1.0

    @classmethod
    def from_settings(cls, settings: Settings) -> "FusionWeights":
        return cls(settings.weight_bm25, settings.weight_ngram, settings.weight_dense)

    def of(self, signal: str) -> float:
        return float(getattr(self, signal))


def reciprocal_rank_fusion(
    rankings: dict[str, list[Passage]], weights: FusionWeights, rrf_k: int
) -> list[Passage]:
    """Sum of weight / (rrf_k + rank) over the signals; ties keep first-seen order."""
    fused: dict[str, float] = {}
    chunks: dict[str, Chunk] = {}
    for signal, passages in rankings.items():
        weight = weights.of(signal)
        for rank, passage in enumerate(passages, start=1):
            cid = passage.chunk.chunk_id
            chunks.setdefault(cid, passage.chunk)
            fused[cid] = fused.get(cid, 0.0) + weight / (rrf_k + rank)
    order = sorted(fused, key=lambda cid: -fused[cid])
    return [Passage(chunks[cid], fused[cid]) for cid in order]


class HybridRetriever:
    """The Retriever the answer layer, the API and the evaluation use (its tuning comes from Settings)."""

    def __init__(
        self,
        keyword: KeywordSearcher,
        dense: DenseRetriever,
        weights: FusionWeights,
        rrf_k: int,
        candidates: int,
        duplicate_similarity: float,
    ):
        self.keyword = keyword
        self.dense = dense
        self.weights = weights
        self.rrf_k = rrf_k
        self.candidates = candidates
        self.duplicate_similarity = duplicate_similarity

    def rankings(self, query: str, filters: SearchFilters | None = None) -> dict[str, list[Passage]]:
        """Each enabled signal's own ranking, all under the same filters."""
        out: dict[str, list[Passage]] = {}
        for signal in SIGNALS:
            if self.weights.of(signal) <= 0:
                continue
            if signal == "dense":
                out[signal] = self.dense.search(query, self.candidates, filters)
            else:
                out[signal] = self.keyword.search(signal, query, self.candidates, filters)
        return out

    def term_rarity(self, stems: Iterable[str]) -> dict[str, float]:
        return self.keyword.rarity(stems)

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[Passage]:
        if not query.strip():
            return []
        return self.fuse(self.rankings(query, filters), k)

    def fuse(self, rankings: dict[str, list[Passage]], k: int) -> list[Passage]:
        """The signals' rankings fused, without copies of a better-ranked passage, cut at k."""
        fused = reciprocal_rank_fusion(rankings, self.weights, self.rrf_k)
        return distinct_passages(fused, k, self.duplicate_similarity)
