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
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import bm25s
import numpy as np
from bm25s.tokenization import Tokenized

from ishoj_assistant.models import Chunk, Passage, SearchFilters
from ishoj_assistant.danish import content_terms
from ishoj_assistant.retrieval.analysis import STEM_ANALYSER, Analyser, make_ngram_analyser
from ishoj_assistant.settings import Settings
from ishoj_assistant.store import ChunkStore, GenerationView

_CACHE_FORMAT = 5  # bump when the pickled layout or the analysers change
_NO_YEAR = -1  # a chunk without a year; no year filter asks for it


class Bm25Index:
    """One bm25 index over a fixed list of chunks, with its own analyser.

    bm25s does the indexing (its eager score matrix: one column of precomputed
    bm25 contributions per term). Scoring reads that matrix directly: only the
    query terms' columns are touched and summed with one ``np.bincount``,
    which at 100,000 chunks is several times faster than bm25s's per-term
    ``np.add.at``; a query term repeated counts repeatedly, as in bm25s.
    """

    def __init__(self, stem_lists: list[list[str]], analyser: Analyser):
        self.analyser = analyser
        vocab: dict[str, int] = {"": 0}  # bm25s wants an id for the empty token
        ids_of_stem: dict[str, list[int]] = {}

        def stem_ids(stem: str) -> list[int]:
            ids = ids_of_stem.get(stem)
            if ids is None:
                ids = ids_of_stem[stem] = [vocab.setdefault(t, len(vocab)) for t in analyser.expand(stem)]
            return ids

        corpus = [[i for stem in stems for i in stem_ids(stem)] or [0] for stems in stem_lists]
        self.vocab = vocab
        self.model = bm25s.BM25()
        if stem_lists:
            self.model.index(Tokenized(ids=corpus, vocab=vocab), create_empty_token=False, show_progress=False)

    def rarity(self, terms: Iterable[str]) -> dict[str, float]:
        """Inverse document frequency of each term in the whole index; unseen terms are the rarest.

        A term's column in the score matrix has one entry per chunk holding
        it, so its length is the term's document frequency.
        """
        if not self.vocab or "indptr" not in getattr(self.model, "scores", {}):
            return {}
        indptr = self.model.scores["indptr"]
        documents = int(self.model.scores["num_docs"])

        def frequency(term: str) -> int:
            i = self.vocab.get(term)
            return 0 if i is None or i + 1 >= len(indptr) else int(indptr[i + 1] - indptr[i])

        return {t: math.log((documents + 1) / (1 + frequency(t))) + 1.0 for t in terms}

    def scores(self, query: str) -> np.ndarray | None:
        """bm25 score of every chunk, or None when no query term is in the vocabulary."""
        ids = [self.vocab[t] for t in self.analyser(query) if t in self.vocab]
        if not ids:
            return None
        matrix = self.model.scores
        indptr, indices, data = matrix["indptr"], matrix["indices"], matrix["data"]
        columns = [slice(indptr[i], indptr[i + 1]) for i in ids]
        rows = np.concatenate([indices[c] for c in columns])
        weights = np.concatenate([data[c] for c in columns]).astype(np.float64)
        return np.bincount(rows, weights=weights, minlength=int(matrix["num_docs"]))

    def __getstate__(self) -> dict[str, object]:
        # The analyser may hold a closure; it is restored by the owner after loading.
        return {k: v for k, v in self.__dict__.items() if k != "analyser"}


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest positive scores, best first, ties in index order.

    The same order as ``np.argsort(-scores, kind="stable")[:k]`` restricted to
    positive scores, without sorting all chunks: a partition finds the k-th
    best score and only the chunks at or above it are sorted.
    """
    candidates = np.flatnonzero(scores > 0.0)
    if candidates.size > k:
        kth = np.partition(scores[candidates], candidates.size - k)[candidates.size - k]
        candidates = candidates[scores[candidates] >= kth]
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order][:k]


@dataclass
class KeywordSnapshot:
    """The chunks of one store generation and their indexes, one per signal.

    The filterable metadata is kept as arrays so a filtered search is a few
    vectorised comparisons instead of a Python loop over every chunk.
    """

    generation: str
    chunks: list[Chunk]
    indexes: dict[str, Bm25Index]
    doc_ids: np.ndarray = field(init=False, repr=False)
    doc_types: np.ndarray = field(init=False, repr=False)
    years: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.doc_ids = np.array([c.doc_id for c in self.chunks], dtype=str)
        self.doc_types = np.array([c.doc_type for c in self.chunks], dtype=str)
        self.years = np.array([c.year if c.year is not None else _NO_YEAR for c in self.chunks], dtype=np.int64)

    def mask(self, filters: SearchFilters) -> np.ndarray:
        """True for the chunks that pass every filter that is set (as :meth:`SearchFilters.matches`)."""
        keep = np.ones(len(self.chunks), dtype=bool)
        for values, wanted in ((self.doc_ids, filters.doc_id), (self.doc_types, filters.doc_type), (self.years, filters.year)):
            if wanted is not None:
                keep &= values == wanted
        return keep

    def search(self, signal: str, query: str, k: int, filters: SearchFilters | None) -> list[Passage]:
        scores = self.indexes[signal].scores(query)
        if scores is None:
            return []
        if filters is not None and not filters.is_empty():
            scores = np.where(self.mask(filters), scores, 0.0)
        return [Passage(self.chunks[i], float(scores[i])) for i in top_k(scores, k)]


def _analysers(settings: Settings) -> dict[str, Analyser]:
    """The keyword signals: whole Danish stems and compound-part n-grams."""
    return {"bm25": STEM_ANALYSER, "ngram": make_ngram_analyser(settings.compound_ngram)}


class KeywordSearcher:
    """Keeps a :class:`KeywordSnapshot` in step with the store (see module docstring)."""

    def __init__(self, settings: Settings, store: ChunkStore):
        self.settings = settings
        self.store = store
        self.analysers = _analysers(settings)
        self._snapshots = GenerationView(store, lambda generation: self._load(generation) or self._build(generation))

    @property
    def cache_dir(self) -> Path:
        return self.settings.cache_dir / "keyword"

    def snapshot(self) -> KeywordSnapshot:
        """The current snapshot, rebuilt or reloaded when the store's generation changed."""
        return self._snapshots.get()

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
        stems = [content_terms(c.context_text()) for c in chunks]  # once for all signals
        snapshot = KeywordSnapshot(
            generation, chunks, {name: Bm25Index(stems, analyser) for name, analyser in self.analysers.items()}
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
