"""Finding passages: the Retriever interface and its implementations."""

from __future__ import annotations

from typing import Protocol

from ishoj_assistant.models import Passage, SearchFilters


class Retriever(Protocol):
    """What the answer layer, the API and the evaluation depend on."""

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[Passage]:
        """The k most relevant passages for a Danish query, best first."""
        ...
