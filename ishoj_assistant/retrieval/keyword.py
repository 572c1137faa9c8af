"""Keyword search: bm25 indexes derived from the store's live chunks.

Chroma is the source of truth; the bm25 indexes are a derived, rebuildable
view of it. They are cached on disk under ``settings.cache_dir`` keyed by
:meth:`ChunkStore.generation`, so a restart loads instead of re-tokenising,
and every process re-checks the generation at most every
``settings.keyword_refresh_s`` seconds, so an ingest or delete done by another
API process sharing the same Chroma server is noticed within seconds.

Token ids are built here from :mod:`ishoj_assistant.danish`'s analysis and
handed to bm25s pre-tokenised: left to itself bm25s would apply its English
stopwords and no stemming to queries.
"""

from __future__ import annotations

import math
import os
import pickle
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
from bm25s.tokenization import Tokenized

from ingest.pipeline import embedding_text
from ishoj_assistant.models import Chunk, Passage, SearchFilters
from ishoj_assistant.retrieval.analysis import Analyser, make_ngram_analyser, stem_terms
from ishoj_assistant.settings import Settings
from ishoj_assistant.store import ChunkStore

_CACHE_FORMAT = 3  # bump when the pickled layout or the analysers change


class Bm25Index:
    """One bm25 index over a fixed list of chunks, with its own analyser."""

    def __init__(self, texts: list[str], analyser: Analyser):
        self.analyser = analyser
        vocab: dict[str, int] = {"": 0}  # bm25s wants an id for the empty token
        ids = [[vocab.setdefault(t, len(vocab)) for t in analyser(text)] or [0] for text in texts]
        self.vocab = vocab
        self.documents = len(texts)
        self.document_frequency = np.bincount(
            np.fromiter((t for doc in ids for t in set(doc)), dtype=np.int64), minlength=len(vocab)
        )
        self.model = bm25s.BM25()
        if texts:
            self.model.index(Tokenized(ids=ids, vocab=vocab), create_empty_token=False, show_progress=False)

    def rarity(self, terms: Iterable[str]) -> dict[str, float]:
        """Inverse document frequency of each term in the whole index; unseen terms are the rarest."""
        return {
            t: math.log((self.documents + 1) / (1 + int(self.document_frequency[self.vocab[t]] if t in self.vocab else 0))) + 1.0
            for t in terms
        }

    def scores(self, query: str) -> np.ndarray | None:
        """bm25 score of every chunk, or None when no query term is in the vocabulary."""
        ids = [self.vocab[t] for t in self.analyser(query) if t in self.vocab]
        if not ids:
            return None
        return np.asarray(self.model.get_scores(ids), dtype=np.float64)

    def __getstate__(self) -> dict[str, object]:
        # The analyser may be a closure; it is restored by the owner after loading.
        return {k: v for k, v in self.__dict__.items() if k != "analyser"}


@dataclass
class KeywordSnapshot:
    """The chunks of one store generation and their indexes, one per signal."""

    generation: str
    chunks: list[Chunk]
    indexes: dict[str, Bm25Index]

    def search(self, signal: str, query: str, k: int, filters: SearchFilters | None) -> list[Passage]:
        scores = self.indexes[signal].scores(query)
        if scores is None:
            return []
        if filters is not None and not filters.is_empty():
            mask = np.array([filters.matches(c) for c in self.chunks], dtype=bool)
            scores = np.where(mask, scores, 0.0)
        order = np.argsort(-scores, kind="stable")[:k]
        return [Passage(self.chunks[i], float(scores[i])) for i in order if scores[i] > 0.0]


def _analysers(settings: Settings) -> dict[str, Analyser]:
    """The keyword signals: whole Danish stems and compound-part n-grams."""
    return {"bm25": stem_terms, "ngram": make_ngram_analyser(settings.compound_ngram)}


class KeywordSearcher:
    """Keeps a :class:`KeywordSnapshot` in step with the store (see module docstring)."""

    def __init__(self, settings: Settings, store: ChunkStore):
        self.settings = settings
        self.store = store
        self.analysers = _analysers(settings)
        self._snapshot: KeywordSnapshot | None = None
        self._checked_at = float("-inf")
        self._seen_writes = -1
        self._lock = threading.Lock()

    @property
    def cache_dir(self) -> Path:
        return self.settings.cache_dir / "keyword"

    def snapshot(self) -> KeywordSnapshot:
        """The current snapshot, rebuilt or reloaded when the store's generation changed."""
        with self._lock:
            now = time.monotonic()
            local_change = self._seen_writes != self.store.local_writes
            if self._snapshot is None or local_change or now - self._checked_at >= self.settings.keyword_refresh_s:
                self._seen_writes = self.store.local_writes
                generation = self.store.generation()
                self._checked_at = now
                if self._snapshot is None or self._snapshot.generation != generation:
                    self._snapshot = self._load(generation) or self._build(generation)
            return self._snapshot

    def search(self, signal: str, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[Passage]:
        return self.snapshot().search(signal, query, k, filters)

    def rarity(self, stems: Iterable[str]) -> dict[str, float]:
        """How rare each stem is across all indexed chunks (see :meth:`Bm25Index.rarity`)."""
        return self.snapshot().indexes["bm25"].rarity(stems)

    def _path(self, generation: str) -> Path:
        ngram = self.settings.compound_ngram
        return self.cache_dir / f"keyword-v{_CACHE_FORMAT}-n{ngram}-{generation}.pkl"

    def _load(self, generation: str) -> KeywordSnapshot | None:
        path = self._path(generation)
        try:
            with path.open("rb") as fh:
                snapshot: KeywordSnapshot = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            return None
        for name, index in snapshot.indexes.items():
            index.analyser = self.analysers[name]
        return snapshot

    def _build(self, generation: str) -> KeywordSnapshot:
        chunks = sorted(self.store.iter_chunks(), key=lambda c: (c.doc_id, c.chunk_index))
        texts = [embedding_text(c) for c in chunks]
        snapshot = KeywordSnapshot(
            generation, chunks, {name: Bm25Index(texts, analyser) for name, analyser in self.analysers.items()}
        )
        self._save(snapshot)
        return snapshot

    def _save(self, snapshot: KeywordSnapshot) -> None:
        """Write atomically (other processes may read it) and drop older generations."""
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        path = self._path(snapshot.generation)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(snapshot, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in self.cache_dir.glob("keyword-*.pkl"):
            if old != path:
                old.unlink(missing_ok=True)
