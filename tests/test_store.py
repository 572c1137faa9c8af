"""The chunk store's guarantees, against embedded Chroma or a `chroma run` server.

Uses a small deterministic embedder so these tests exercise Chroma itself
and run in milliseconds; ingestion tests cover the real embedder.
"""

from __future__ import annotations

import hashlib
import time

import numpy as np
import pytest

from ishoj_assistant.embedding import Embedder
from ishoj_assistant.models import Chunk, DocumentInfo, SearchFilters
from ishoj_assistant.settings import Settings
from ishoj_assistant.store import ChunkStore, EmbedderMismatchError, drop_collections


class HashEmbedder(Embedder):
    """Bag-of-words vectors via hashing: similar texts get similar vectors."""

    def __init__(self, dimension: int = 64, name: str = "test/hash"):
        self._dimension = dimension
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self._dimension, dtype=np.float32)
        for word in text.lower().split():
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % self._dimension] += 1
        return vector / (np.linalg.norm(vector) or 1)

    def _embed_passage_batch(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


def _document(doc_id: str, version: str, texts: list[str], doc_type: str = "status", year: int = 2019):
    chunks = [
        Chunk(
            chunk_id=f"{doc_id}:{version}:{i}", doc_id=doc_id, doc_version=version, text=text,
            file=f"{doc_id}.pdf", title=f"Titel {doc_id}", doc_type=doc_type, year=year,
            page_start=i + 1, page_end=i + 1, section="Afsnit", char_start=0, char_end=len(text), chunk_index=i,
        )
        for i, text in enumerate(texts)
    ]
    info = DocumentInfo(doc_id, f"Titel {doc_id}", f"{doc_id}.pdf", doc_type, year, len(texts), len(texts), version)
    return info, chunks


@pytest.fixture
def store(settings: Settings) -> ChunkStore:
    return ChunkStore(settings, HashEmbedder())


def _put(store: ChunkStore, doc_id: str, version: str, texts: list[str], **kw: object) -> None:
    info, chunks = _document(doc_id, version, texts, **kw)  # type: ignore[arg-type]
    store.put_document(info, chunks, store.embedder.embed_passages([c.text for c in chunks]))


def _write_unlisted_chunks(store: ChunkStore, doc_id: str, version: str, texts: list[str]) -> None:
    """Chunks without a manifest record, as a writer killed before the manifest leaves them."""
    _info, chunks = _document(doc_id, version, texts)
    store._chunks.upsert(
        ids=[c.chunk_id for c in chunks], documents=[c.text for c in chunks],
        metadatas=[c.metadata() for c in chunks], embeddings=store.embedder.embed_passages([c.text for c in chunks]),
    )


def test_replacing_a_document_keeps_only_the_new_version(store: ChunkStore) -> None:
    _put(store, "notat", "v1", ["kontinensklinik gammel tekst", "klippekort gammel tekst"])
    first = store.generation()
    _put(store, "notat", "v2", ["kontinensklinik ny tekst"])
    assert [c.text for c in store.iter_chunks()] == ["kontinensklinik ny tekst"]
    assert store.count() == 1
    assert store.generation() != first
    assert store.document("notat").doc_version == "v2"  # type: ignore[union-attr]


def test_half_written_version_is_invisible_and_repaired(store: ChunkStore) -> None:
    _put(store, "notat", "v1", ["kontinensklinik første udgave"])
    _write_unlisted_chunks(store, "notat", "v2", ["kontinensklinik anden udgave", "mere tekst"])
    assert [c.text for c in store.iter_chunks()] == ["kontinensklinik første udgave"]
    hits = store.dense_search(store.embedder.embed_query("kontinensklinik udgave"), 5)
    assert [h.chunk.doc_version for h in hits] == ["v1"]
    assert store.repair() == 2
    assert store.count() == 1


def test_remove_document_and_filters(store: ChunkStore) -> None:
    _put(store, "a", "v1", ["ældre hverdagstræning"], doc_type="status", year=2015)
    _put(store, "b", "v1", ["ældre strategi mål"], doc_type="strategi", year=2023)
    query = store.embedder.embed_query("ældre")
    assert {h.chunk.doc_id for h in store.dense_search(query, 5, SearchFilters(doc_type="strategi"))} == {"b"}
    assert {h.chunk.doc_id for h in store.dense_search(query, 5, SearchFilters(year=2015))} == {"a"}
    assert store.remove_document("a") is True
    assert store.remove_document("a") is False
    assert [d.doc_id for d in store.documents()] == ["b"]
    assert {h.chunk.doc_id for h in store.dense_search(query, 5)} == {"b"}


def test_other_embedder_is_refused_with_reindex_hint(settings: Settings, store: ChunkStore) -> None:
    _put(store, "a", "v1", ["tekst"])
    with pytest.raises(EmbedderMismatchError, match="reindex"):
        ChunkStore(settings, HashEmbedder(dimension=32, name="test/other"))
    drop_collections(settings)
    assert ChunkStore(settings, HashEmbedder(dimension=32, name="test/other")).count() == 0


def test_dense_results_stay_k_long_when_stale_hits_are_dropped(store: ChunkStore) -> None:
    _put(store, "notat", "v1", [f"ældre hverdagstræning afsnit {i}" for i in range(6)])
    # Five unlisted chunks that match the query better than any live one.
    _write_unlisted_chunks(store, "notat", "v0", ["ældre hverdagstræning"] * 5)
    hits = store.dense_search(store.embedder.embed_query("ældre hverdagstræning"), 3)
    assert [h.chunk.doc_version for h in hits] == ["v1", "v1", "v1"]


def test_dense_search_on_an_empty_store_returns_nothing(store: ChunkStore) -> None:
    assert store.dense_search(store.embedder.embed_query("ældre"), 5) == []


def test_another_store_sees_changes_after_the_refresh_interval(settings: Settings) -> None:
    settings = settings.model_copy(update={"keyword_refresh_s": 1.0})
    writer = ChunkStore(settings, HashEmbedder())
    # A store object of its own stands for another API process on the same Chroma.
    reader = ChunkStore(settings, HashEmbedder())
    query = writer.embedder.embed_query("svømmehal omklædningsrum")

    def seen() -> set[str]:
        return {h.chunk.doc_id for h in reader.dense_search(query, 5)}

    _put(writer, "gammel", "v1", ["svømmehal gammel tekst"])
    assert seen() == {"gammel"}
    _put(writer, "ny", "v1", ["svømmehal omklædningsrum"])
    assert writer.remove_document("gammel")
    assert "ny" not in seen()  # the reader's cached manifest is not re-read on every query
    time.sleep(1.1)
    assert seen() == {"ny"}


def test_generation_changes_with_every_write_and_survives_reopening(settings: Settings, store: ChunkStore) -> None:
    seen = {store.generation()}
    _put(store, "a", "v1", ["tekst"])
    seen.add(store.generation())
    _put(store, "a", "v2", ["anden tekst"])
    seen.add(store.generation())
    assert store.remove_document("a")
    seen.add(store.generation())
    assert len(seen) == 4
    assert ChunkStore(settings, HashEmbedder()).generation() == store.generation()
    assert store.documents() == [] and store.live_versions() == {}
    assert store.remove_document("~generation") is False


def test_hnsw_settings_shape_a_new_index_and_widen_an_existing_ones_search(settings: Settings) -> None:
    created = ChunkStore(settings.model_copy(update={
        "hnsw_max_neighbors": 24, "hnsw_ef_construction": 150, "hnsw_ef_search": 120,
    }), HashEmbedder())
    hnsw = created._chunks.configuration_json["hnsw"]
    assert (hnsw["space"], hnsw["max_neighbors"], hnsw["ef_construction"], hnsw["ef_search"]) == ("cosine", 24, 150, 120)
    # Reopened with other settings: the graph's shape stays, the search breadth follows.
    ChunkStore(settings.model_copy(update={"hnsw_max_neighbors": 48, "hnsw_ef_search": 500}), HashEmbedder())
    hnsw = created.client.get_collection(settings.collection).configuration_json["hnsw"]
    assert (hnsw["max_neighbors"], hnsw["ef_search"]) == (24, 500)
