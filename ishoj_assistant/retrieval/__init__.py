"""Finding passages: the Retriever interface and its implementations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from ishoj_assistant.models import Passage, SearchFilters
from ishoj_assistant.query import QueryAnalysis


class Retriever(Protocol):
    """What the answer layer, the API and the evaluation depend on."""

    def search(
        self, query: str, k: int = 10, filters: SearchFilters | None = None, analysis: QueryAnalysis | None = None
    ) -> list[Passage]:
        """The k most relevant passages for a Danish query, best first; ``analysis`` is the question's
        one analysis (its years and document types), when the caller has made it."""
        ...

    def term_rarity(self, stems: Iterable[str]) -> dict[str, float]:
        """Inverse document frequency of each stem in the whole index: how much a question word says."""
        ...
