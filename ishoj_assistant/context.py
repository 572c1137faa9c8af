"""Wiring: builds the embedder, store and indexer once per process.

The CLI, the API and the benchmarks all need the same objects built the same
way from the settings; this is the one place that does it, lazily, so a
command that only lists documents never loads the embedding model twice.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from ishoj_assistant.embedding import CachedEmbedder, build_embedder
from ishoj_assistant.settings import Settings, get_settings
from ishoj_assistant.store import ChunkStore

if TYPE_CHECKING:
    import numpy as np

    from ishoj_assistant.answering.assistant import Assistant
    from ishoj_assistant.models import Chunk
    from ishoj_assistant.retrieval.hybrid import HybridRetriever
    from ishoj_assistant.retrieval.keyword import KeywordSearcher


class AppContext:
    """Lazily built, shared components for one process."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or get_settings()

    @cached_property
    def embedder(self) -> CachedEmbedder:
        return build_embedder(self.settings)

    @cached_property
    def store(self) -> ChunkStore:
        return ChunkStore(self.settings, self.embedder)

    @cached_property
    def keyword(self) -> "KeywordSearcher":
        """The keyword indexes (whole stems and compound n-grams), kept in step with the store."""
        from ishoj_assistant.retrieval.keyword import KeywordSearcher

        return KeywordSearcher(self.settings, self.store)

    @cached_property
    def retriever(self) -> "HybridRetriever":
        """Hybrid (bm25 + compound n-grams + dense) search over the store."""
        from ishoj_assistant.retrieval.dense import DenseRetriever
        from ishoj_assistant.retrieval.hybrid import HybridRetriever, Signal
        from ishoj_assistant.retrieval.metadata import MetadataBoost
        from ishoj_assistant.retrieval.rerank import ClosestUnitRerank

        s, keyword = self.settings, self.keyword
        signals = [
            Signal("bm25", lambda q, n, f: keyword.search("bm25", q, n, f), s.weight_bm25),
            Signal("ngram", lambda q, n, f: keyword.search("ngram", q, n, f), s.weight_ngram),
            Signal("dense", DenseRetriever(self.store, self.embedder).search, s.weight_dense),
        ]
        return HybridRetriever(
            signals,
            keyword.rarity,
            rrf_k=s.rrf_k,
            candidates=s.candidates,
            duplicate_similarity=s.duplicate_similarity,
            boost=MetadataBoost(year=s.boost_year, doc_type=s.boost_doc_type),
            rerank=ClosestUnitRerank(self.embedder.embed_query, self._unit_vectors, s.rerank_weight, s.rerank_depth),
        )

    def _unit_vectors(self, chunk: "Chunk") -> "np.ndarray | None":
        """The vectors of a chunk's answer units as ingest cached them; None when they were never embedded."""
        from ishoj_assistant.answering.features import unit_texts

        return self.embedder.cached_passages(unit_texts(chunk))

    @cached_property
    def assistant(self) -> "Assistant":
        """Question answering and drafting over the retriever, generative when an LLM is configured."""
        from ishoj_assistant.answering.assistant import Assistant
        from ishoj_assistant.answering.condense import LLMCondenser
        from ishoj_assistant.answering.config import AnswerConfig
        from ishoj_assistant.answering.generative import GenerativeAnswerer
        from ishoj_assistant.answering.llm import build_llm

        llm = build_llm(self.settings)
        return Assistant(
            self.retriever,
            self.embedder,
            AnswerConfig.from_settings(self.settings),
            GenerativeAnswerer(llm) if llm else None,
            newest_year=self.store.newest_year,
            condenser=LLMCondenser(llm) if llm else None,
        )

    def indexer(self, progress_factory=None):  # type: ignore[no-untyped-def]
        """A new indexer; the progress factory makes a progress callback for N chunks."""
        from ingest.pipeline import Indexer

        return Indexer(self.settings, self.store, self.embedder, progress_factory)
