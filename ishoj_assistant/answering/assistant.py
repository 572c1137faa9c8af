"""The assistant: retrieval for the (standalone) question, then a cited answer or draft.

Generative answering is used when a site LLM is configured; when it is
unreachable the user still gets an extractive answer, with a warning, rather
than an error.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Literal

from ishoj_assistant.answering.conversation import standalone_query
from ishoj_assistant.answering.draft import draft_answer, topic_query
from ishoj_assistant.answering.extractive import extractive_answer, missing_anchor
from ishoj_assistant.answering.generative import GenerativeAnswerer
from ishoj_assistant.answering.matching import question_terms
from ishoj_assistant.models import Answer, Passage, SearchFilters
from ishoj_assistant.retrieval import Retriever
from ishoj_assistant.settings import Settings

log = logging.getLogger(__name__)

History = Sequence[Mapping[str, str]]
Mode = Literal["answer", "draft"]

FALLBACK_WARNING = "Sprogmodellen kunne ikke nås; svaret er sammensat af citater fra dokumenterne."


class Assistant:
    """Answers questions and drafts application text from the indexed documents."""

    def __init__(self, retriever: Retriever, settings: Settings, generative: GenerativeAnswerer | None = None):
        self.retriever = retriever
        self.settings = settings
        self.generative = generative

    def retrieve(self, query: str, mode: Mode, filters: SearchFilters | None) -> list[Passage]:
        """Passages for a standalone query; a draft request is searched by its topic words only."""
        if mode == "draft":
            query = topic_query(query) or query
        return self.retriever.search(query, self.settings.answer_passages, filters)

    def answer(
        self, question: str, history: History = (), mode: Mode = "answer", filters: SearchFilters | None = None
    ) -> Answer:
        """The finished answer (or draft) in one call."""
        *_, final = self.stream(question, history, mode, filters)
        assert isinstance(final, Answer)
        return final

    def stream(
        self, question: str, history: History = (), mode: Mode = "answer", filters: SearchFilters | None = None
    ) -> Iterator[str | Answer]:
        """Text pieces as they are ready, then the final :class:`Answer` with its citations."""
        question = without_markup(question)
        query = standalone_query(question, history)
        passages = self.retrieve(query, mode, filters)
        topic = missing_anchor(question, passages) if mode == "answer" else None
        if topic:  # the question's own topic word may just rank low: look for it explicitly once
            seen = {p.chunk.chunk_id for p in passages}
            passages += [p for p in self.retriever.search(topic, self.settings.answer_passages, filters) if p.chunk.chunk_id not in seen]
        if mode == "answer" and self.generative is not None:
            try:
                yield from self.generative.stream(question, history, passages)
                return
            except Exception as exc:  # noqa: BLE001 - any client failure means "LLM unreachable"
                log.warning("LLM unreachable, answering extractively: %s", exc)
                final = self._extractive(question, query, passages, mode)
                final.warnings.append(FALLBACK_WARNING)
        else:
            final = self._extractive(question, query, passages, mode)
        yield from pieces(final)
        yield final

    def _extractive(self, question: str, query: str, passages: Sequence[Passage], mode: Mode) -> Answer:
        """Sentences are scored against the standalone query, so follow-ups keep their topic."""
        rarity = self.retriever.term_rarity(t.stem for t in question_terms(query))
        if mode == "draft":
            return draft_answer(query, passages, self.settings, rarity)
        focus = question if query != question else None
        return extractive_answer(query, passages, self.settings, focus=focus, rarity=rarity)


_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]{0,500}>")


def without_markup(question: str) -> str:
    """The question as words: pasted HTML tags and scripts are noise, not search terms.

    Users paste from web pages and e-mails; "<img src=...>" would otherwise
    dilute the query and make the assistant decline a plain question.
    """
    return " ".join(_TAG.sub(" ", _SCRIPT.sub(" ", question)).split())


def pieces(answer: Answer) -> Iterator[str]:
    """The answer text in streamable pieces: one per cited sentence or line."""
    for line in answer.text.splitlines(keepends=True):
        parts = re.split(r"(?<=\]) ", line)
        for i, part in enumerate(parts):
            yield part + (" " if i < len(parts) - 1 else "")
