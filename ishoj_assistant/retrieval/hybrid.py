"""Hybrid retrieval: whole-stem bm25, compound n-gram bm25 and dense e5, fused.

No single signal is reliable on Danish municipal prose: bm25 misses
paraphrases, e5-small misses exact numbers and names, and both miss a
question's "tandpleje" against the document's "omsorgstandplejen". Weighted
reciprocal rank fusion combines them without calibrating their incomparable
scores; the weights live in the settings. Near-duplicates of a better-ranked
passage are left out of the result (retrieval/duplicates.py), and the top of
the fused list is re-ordered by each passage's closest sentence to the
question (retrieval/rerank.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ishoj_assistant.models import Chunk, Passage, SearchFilters
from ishoj_assistant.query import QueryAnalysis, analyse
from ishoj_assistant.retrieval.duplicates import distinct_passages
from ishoj_assistant.retrieval.metadata import MetadataBoost, boosted, covering_asked_years
from ishoj_assistant.retrieval.rerank import ClosestUnitRerank


@dataclass(frozen=True)
class Signal:
    """One ranking signal of the fusion: its name, how it ranks a query, and its RRF weight (0 = off)."""

    name: str
    rank: Callable[[str, int, SearchFilters | None], list[Passage]]
    weight: float


def reciprocal_rank_fusion(rankings: Sequence[tuple[float, list[Passage]]], rrf_k: int) -> list[Passage]:
    """Sum of weight / (rrf_k + rank) over the signals; ties keep first-seen order."""
    fused: dict[str, float] = {}
    chunks: dict[str, Chunk] = {}
    for weight, passages in rankings:
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
        signals: Sequence[Signal],
        rarity: Callable[[Iterable[str]], dict[str, float]],
        rrf_k: int,
        candidates: int,
        duplicate_similarity: float,
        boost: MetadataBoost = MetadataBoost(),
        rerank: ClosestUnitRerank | None = None,
    ):
        self.signals = [s for s in signals if s.weight > 0]
        self._rarity = rarity
        self.rrf_k = rrf_k
        self.candidates = candidates
        self.duplicate_similarity = duplicate_similarity
        self.boost = boost
        self.rerank = rerank

    def rankings(self, query: str, filters: SearchFilters | None = None) -> dict[str, list[Passage]]:
        """Each enabled signal's own ranking, all under the same filters."""
        return {signal.name: signal.rank(query, self.candidates, filters) for signal in self.signals}

    def term_rarity(self, stems: Iterable[str]) -> dict[str, float]:
        return self._rarity(stems)

    def search(
        self, query: str, k: int = 10, filters: SearchFilters | None = None, analysis: QueryAnalysis | None = None
    ) -> list[Passage]:
        """The k best passages; ``analysis`` is the question's one analysis (made here from the query if not given)."""
        if not query.strip():
            return []
        return self.fuse(self.rankings(query, filters), k, analysis or analyse(query), query)

    def fuse(
        self, rankings: dict[str, list[Passage]], k: int, analysis: QueryAnalysis | None = None, query: str | None = None
    ) -> list[Passage]:
        """The signals' rankings fused and boosted by the question's years and document types,
        without copies of a better-ranked passage, the top re-ordered by the passages' closest
        sentences to ``query`` (the analysed text when not given), cut at k; a comparison covers
        each asked year."""
        weights = {s.name: s.weight for s in self.signals}
        fused = reciprocal_rank_fusion([(weights[n], ranked) for n, ranked in rankings.items() if n in weights], self.rrf_k)
        if analysis is not None:
            fused = boosted(fused, analysis, self.boost)
        query = query or (analysis.text if analysis else None)
        rerank = self.rerank if query else None
        distinct = distinct_passages(fused, max(k, rerank.depth) if rerank else k, self.duplicate_similarity)
        if rerank and query:
            distinct = rerank(query, distinct)
        if analysis is not None:
            # Yearly copies were folded into the best-ranked one; a comparison wants them back.
            distinct = covering_asked_years(distinct, fused, analysis, k)
        return distinct[:k]
