"""The chunk store: a Chroma collection plus a manifest of complete documents.

Chroma is the single source of truth. Two collections live side by side:

* ``<name>`` holds the chunks with their vectors and metadata;
* ``<name>_manifest`` holds one record per *complete* document version.

A document is written in three steps: its new chunks, then its manifest
record, then the removal of its older chunks. Readers only trust chunks whose
``(doc_id, doc_version)`` is in the manifest, so a process killed at any point
leaves either the old or the new version searchable, never half of one;
:meth:`ChunkStore.repair` later sweeps away what the interrupted writer left.
Every other index (keyword, caches) is derived from here and keyed by
:meth:`ChunkStore.generation`.

Reading the whole manifest costs about 0.4 s at 5,000 documents (Chroma
returns every record's metadata), so it is kept off the query path: the
manifest also holds one reserved record whose random token is replaced in the
same upsert as every document record, making :meth:`ChunkStore.generation` two
point reads, and dense search trusts a cached copy of the live versions that
is re-read only when the generation has changed.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Generic, Iterable, Sequence, TypeVar

import numpy as np

from ishoj_assistant.embedding import Embedder, chroma_embedding_function
from ishoj_assistant.models import Chunk, DocumentInfo, SearchFilters
from ishoj_assistant.settings import Settings

T = TypeVar("T")

_PAGE = 1000  # Chroma get() page size; keeps memory flat on big collections
# Reserved manifest id of the generation token; document ids are slugs of
# [a-z0-9-] (ingest.metadata.doc_id_for), so they never collide with it.
_GENERATION_ID = "~generation"


class EmbedderMismatchError(RuntimeError):
    """The collection was built with another embedder than the configured one."""


@dataclass(frozen=True)
class DenseHit:
    chunk: Chunk
    similarity: float


def make_client(settings: Settings) -> Any:
    """A Chroma client for the configured store mode."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.store_mode == "http":
        headers = {"Authorization": f"Bearer {settings.chroma_token}"} if settings.chroma_token else None
        return chromadb.HttpClient(
            host=settings.chroma_host, port=settings.chroma_port, headers=headers, settings=chroma_settings
        )
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


def _where(filters: SearchFilters | None) -> dict[str, Any] | None:
    if filters is None or filters.is_empty():
        return None
    clauses: list[dict[str, Any]] = []
    if filters.doc_id is not None:
        clauses.append({"doc_id": filters.doc_id})
    if filters.doc_type is not None:
        clauses.append({"doc_type": filters.doc_type})
    if filters.year is not None:
        clauses.append({"year": int(filters.year)})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class GenerationView(Generic[T]):
    """A value derived from the store, rebuilt only when :meth:`ChunkStore.generation` changed.

    The generation is re-checked at once after a write through this process
    and otherwise at most every ``keyword_refresh_s`` seconds, so a steady
    store costs two point reads per interval instead of a rebuild per use,
    and another process's ingest or delete is seen within the interval.
    """

    def __init__(self, store: "ChunkStore", build: Callable[[str], T]):
        self.store = store
        self.build = build
        self._lock = threading.Lock()
        self._value: T | None = None
        self._generation = ""
        self._seen_writes = -1
        self._checked_at = float("-inf")

    def get(self) -> T:
        with self._lock:
            now = time.monotonic()
            due = now - self._checked_at >= self.store.settings.keyword_refresh_s
            if self._value is None or self._seen_writes != self.store.local_writes or due:
                self._seen_writes = self.store.local_writes
                self._checked_at = now
                generation = self.store.generation()
                if self._value is None or generation != self._generation:
                    self._value = self.build(generation)
                    self._generation = generation
            return self._value


class ChunkStore:
    """Reads and writes documents as whole versions in Chroma."""

    def __init__(self, settings: Settings, embedder: Embedder, client: Any | None = None):
        self.settings = settings
        self.embedder = embedder
        self.client = client or make_client(settings)
        self._chunks = self.client.get_or_create_collection(
            name=settings.collection,
            embedding_function=chroma_embedding_function(embedder),
            metadata={"embedder": embedder.name, "dimension": embedder.dimension},
            configuration={"hnsw": {
                "space": "cosine",
                "max_neighbors": settings.hnsw_max_neighbors,
                "ef_construction": settings.hnsw_ef_construction,
                "ef_search": settings.hnsw_ef_search,
            }},
        )
        self._check_embedder()
        self._apply_ef_search()
        # Writes made through this process: derived indexes refresh at once on
        # a local change and only poll generation() for other processes' changes.
        self.local_writes = 0
        self._manifest = self.client.get_or_create_collection(
            name=f"{settings.collection}_manifest",
            embedding_function=chroma_embedding_function(embedder),
            metadata={"role": "manifest"},
        )
        # Dense search's view of the manifest (see the module docstring).
        self._live = GenerationView(self, lambda _generation: self.live_versions())
        self._newest = GenerationView(self, lambda _generation: max((d.year for d in self.documents() if d.year), default=None))

    def _apply_ef_search(self) -> None:
        """Give a collection created earlier (or with other settings) the configured ef_search.

        The graph's shape is fixed at creation, but the search breadth is not,
        so an existing index gains recall without being rebuilt.
        """
        hnsw = (self._chunks.configuration_json or {}).get("hnsw") or {}
        if hnsw.get("ef_search") != self.settings.hnsw_ef_search:
            self._chunks.modify(configuration={"hnsw": {"ef_search": self.settings.hnsw_ef_search}})

    def _check_embedder(self) -> None:
        meta = self._chunks.metadata or {}
        recorded = (meta.get("embedder"), meta.get("dimension"))
        wanted = (self.embedder.name, self.embedder.dimension)
        if recorded != wanted:
            raise EmbedderMismatchError(
                f"Indekset '{self.settings.collection}' er bygget med embedderen {recorded[0]} "
                f"(dimension {recorded[1]}), men den valgte er {wanted[0]} (dimension {wanted[1]}). "
                "Byg indekset om med `ishoj-assistant reindex`, eller vælg den oprindelige "
                "embedder med ISHOJ_EMBEDDER."
            )

    # --- manifest ------------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        """Every complete document, sorted by title."""
        records = self._manifest_records()
        docs = [
            DocumentInfo(
                doc_id=doc_id,
                title=str(meta["title"]),
                file=str(meta["file"]),
                doc_type=str(meta["doc_type"]),
                year=int(meta.get("year") or 0) or None,
                pages=int(meta["pages"]),
                chunks=int(meta["chunks"]),
                doc_version=str(meta["doc_version"]),
                source_path=str(meta.get("source_path", "")),
                cpr_masked=int(meta.get("cpr_masked") or 0),
            )
            for doc_id, meta in records
        ]
        return sorted(docs, key=lambda d: (d.title.lower(), d.doc_id))

    def document(self, doc_id: str) -> DocumentInfo | None:
        return next((d for d in self.documents() if d.doc_id == doc_id), None)

    def _manifest_records(self) -> list[tuple[str, dict[str, Any]]]:
        """(doc_id, metadata) of every complete document: the full, slow manifest read."""
        records = self._manifest.get(include=["metadatas"])
        return [
            (doc_id, dict(meta))
            for doc_id, meta in zip(records["ids"], records["metadatas"] or [])
            if doc_id != _GENERATION_ID
        ]

    def live_versions(self) -> dict[str, str]:
        """doc_id -> the version readers may trust, read from Chroma now."""
        return {doc_id: str(meta["doc_version"]) for doc_id, meta in self._manifest_records()}

    def cached_live_versions(self) -> dict[str, str]:
        """:meth:`live_versions` for the query path: at most ``keyword_refresh_s`` old (see :class:`GenerationView`)."""
        return self._live.get()

    def newest_year(self) -> int | None:
        """The newest document year: what "sidste år" in a question is relative to."""
        return self._newest.get()

    def generation(self) -> str:
        """A token that changes whenever any document is added, replaced or removed.

        Cheap (two point reads of the manifest, whatever the number of documents),
        so every API process can poll it and refresh its derived indexes when
        another process changed the store. The token record is rewritten in the
        same upsert as a document's manifest record and after a removal; the
        manifest's record count is part of the generation too, so a removal is
        noticed even if the writer died before rewriting the token.
        """
        token = self._manifest.get(ids=[_GENERATION_ID], include=["metadatas"])["metadatas"] or [{}]
        payload = f"{self.embedder.name}|{token[0].get('token', '')}|{self._manifest.count()}"
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def _write_manifest(self, ids: list[str], titles: list[str], metadatas: list[dict[str, Any]]) -> None:
        """Upsert manifest records and a fresh generation token in one call."""
        self._manifest.upsert(
            ids=[*ids, _GENERATION_ID],
            documents=[*titles, ""],
            metadatas=[*metadatas, {"token": uuid.uuid4().hex}],
            embeddings=np.zeros((len(ids) + 1, self.embedder.dimension), dtype=np.float32),
        )

    # --- writing -------------------------------------------------------------
    def put_document(self, info: DocumentInfo, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Write one document version atomically from the readers' point of view."""
        for start in range(0, len(chunks), _PAGE):
            part = chunks[start : start + _PAGE]
            self._chunks.upsert(
                ids=[c.chunk_id for c in part],
                documents=[c.text for c in part],
                metadatas=[c.metadata() for c in part],
                embeddings=vectors[start : start + len(part)],
            )
        self._crash_point("chunks_written")
        self._write_manifest(
            [info.doc_id],
            [info.title],
            [{k: (v if v is not None else 0) for k, v in info.as_dict().items() if k != "doc_id"}],
        )
        self._chunks.delete(where={"$and": [{"doc_id": info.doc_id}, {"doc_version": {"$ne": info.doc_version}}]})
        self.local_writes += 1

    def _crash_point(self, point: str) -> None:
        """The crash-safety tests' hook (Settings.test_crash_point): die here like a power cut would."""
        if self.settings.test_crash_point == point:
            os.kill(os.getpid(), signal.SIGKILL)

    def remove_document(self, doc_id: str) -> bool:
        """Remove a document: first from the manifest (readers stop seeing it), then its chunks."""
        if doc_id == _GENERATION_ID or not self._manifest.get(ids=[doc_id])["ids"]:
            return False
        self._manifest.delete(ids=[doc_id])
        self._write_manifest([], [], [])
        self._chunks.delete(where={"doc_id": doc_id})
        self.local_writes += 1
        return True

    def repair(self) -> int:
        """Delete chunks no complete document version owns (left by a killed writer)."""
        live = self.live_versions()
        orphans = [chunk.chunk_id for chunk in self.iter_chunks(live_only=False) if live.get(chunk.doc_id) != chunk.doc_version]
        for start in range(0, len(orphans), _PAGE):
            self._chunks.delete(ids=orphans[start : start + _PAGE])
        return len(orphans)

    # --- reading -------------------------------------------------------------
    def iter_chunks(self, live_only: bool = True, where: dict[str, Any] | None = None) -> Iterable[Chunk]:
        """Stream stored chunks page by page; by default only complete versions."""
        live = self.live_versions() if live_only else None
        offset = 0
        while True:
            page = self._chunks.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset, where=where)
            if not page["ids"]:
                return
            for chunk_id, text, meta in zip(page["ids"], page["documents"] or [], page["metadatas"] or []):
                chunk = Chunk.from_record(chunk_id, text, dict(meta))
                if live is None or live.get(chunk.doc_id) == chunk.doc_version:
                    yield chunk
            offset += len(page["ids"])

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        """The live chunks of one document, in reading order."""
        chunks = list(self.iter_chunks(where={"doc_id": doc_id}))
        return sorted(chunks, key=lambda c: c.chunk_index)

    def count(self) -> int:
        """Number of stored chunks (including any not yet repaired)."""
        return int(self._chunks.count())

    def dense_search(self, query_vector: np.ndarray, k: int, filters: SearchFilters | None = None) -> list[DenseHit]:
        """Nearest chunks by cosine similarity, restricted to complete versions.

        Asks Chroma for ``dense_overfetch`` more than k (Chroma returns fewer,
        without error, when the collection or the filter has fewer), so chunks
        dropped as not (or no longer) live do not shorten the result.
        """
        live = self.cached_live_versions()
        result = self._chunks.query(
            query_embeddings=[np.asarray(query_vector, dtype=np.float32)],
            n_results=k + self.settings.dense_overfetch,
            where=_where(filters),
            include=["documents", "metadatas", "distances"],
        )
        hits = []
        for chunk_id, text, meta, distance in zip(
            result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0]
        ):
            chunk = Chunk.from_record(chunk_id, text, dict(meta))
            if live.get(chunk.doc_id) == chunk.doc_version:
                hits.append(DenseHit(chunk, 1.0 - float(distance)))
        return hits[:k]


def drop_collections(settings: Settings, client: Any | None = None) -> None:
    """Drop the chunk and manifest collections, e.g. before re-indexing with another embedder.

    A function rather than a method because a store cannot be opened while its
    embedder does not match, which is exactly when this is needed.
    """
    client = client or make_client(settings)
    existing = {getattr(c, "name", c) for c in client.list_collections()}
    for name in (settings.collection, f"{settings.collection}_manifest"):
        if name in existing:
            client.delete_collection(name)
