"""Dense (vector) search in Chroma with the configured embedder."""

from __future__ import annotations

from ishoj_assistant.embedding import Embedder
from ishoj_assistant.models import Passage, SearchFilters
from ishoj_assistant.store import ChunkStore


class DenseRetriever:
    """Cosine similarity between the e5 query vector and the chunk vectors."""

    def __init__(self, store: ChunkStore, embedder: Embedder):
        self.store = store
        self.embedder = embedder

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[Passage]:
        vector = self.embedder.embed_query(query)
        return [Passage(hit.chunk, hit.similarity) for hit in self.store.dense_search(vector, k, filters)]
