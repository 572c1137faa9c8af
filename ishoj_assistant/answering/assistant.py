"""The assistant: analyse the question once, retrieve once, then let the answerer for the mode answer.

Generative answering is used when a site LLM is configured; when it is
unreachable the user still gets an extractive answer, with a warning, rather
than an error. A follow-up is resolved against the conversation first, and
the answer says how it was read (``resolved_question``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from typing import Literal

from ishoj_assistant.answering.base import AnswerRequest, Answerer, History
from ishoj_assistant.answering.config import AnswerConfig
from ishoj_assistant.answering.conversation import (
    names_new,
    points_back,
    resolved_question,
    standalone_query,
    topic_turns,
)
from ishoj_assistant.answering.draft import DraftAnswerer, topic_query
from ishoj_assistant.answering.scoring import missing_anchor
from ishoj_assistant.answering.ranked import ExtractiveAnswerer
from ishoj_assistant.embedding import Embedder
from ishoj_assistant.models import Answer, Passage, SearchFilters
from ishoj_assistant.query import QueryAnalysis, analyse
from ishoj_assistant.retrieval import Retriever

log = logging.getLogger(__name__)

Mode = Literal["answer", "draft"]
Condenser = Callable[[str, History], "str | None"]

FALLBACK_WARNING = "Sprogmodellen kunne ikke nås; svaret er sammensat af citater fra dokumenterne."


class FallbackAnswerer:
    """A generative answerer that hands over to the extractive one when the LLM cannot be reached."""

    def __init__(self, primary: Answerer, fallback: Answerer):
        self.primary = primary
        self.fallback = fallback

    def stream(self, request: AnswerRequest) -> Iterator[str | Answer]:
        try:
            yield from self.primary.stream(request)
            return
        except Exception as exc:  # noqa: BLE001 - any client failure means "LLM unreachable"
            log.warning("LLM unreachable, answering extractively: %s", exc)
        for item in self.fallback.stream(request):
            if isinstance(item, Answer):
                item.warnings.append(FALLBACK_WARNING)
            yield item


class Assistant:
    """Answers questions and drafts application text from the indexed documents."""

    def __init__(
        self,
        retriever: Retriever,
        embedder: Embedder,
        config: AnswerConfig,
        generative: Answerer | None = None,
        newest_year: Callable[[], int | None] = lambda: None,
        condenser: Condenser | None = None,
    ):
        self.retriever = retriever
        self.config = config
        self.newest_year = newest_year
        self.condenser = condenser
        self.extractive = ExtractiveAnswerer(embedder, config, retriever.term_rarity)
        self.draft = DraftAnswerer(self.extractive)
        self.answerer: Answerer = FallbackAnswerer(generative, self.extractive) if generative else self.extractive

    def analyse(self, question: str, history: History = ()) -> tuple[QueryAnalysis, str | None]:
        """The question resolved against the conversation and analysed once for retrieval and answering,
        with how a follow-up was read (None for a question that stands alone).

        A site LLM rewrites a follow-up into a standalone question; without
        one (or when it fails) the follow-up is searched with the earlier
        turns' content words.
        """
        said = " ".join(t["content"] for t in history[-2:] if t.get("role") == "assistant")
        standalone = standalone_query(question, history)
        topic = "\n".join(topic_turns(history)) if standalone != question else ""
        if topic and not points_back(question):
            # "Og genoptræningen – hvor lang er ventetiden nu?" names its own subject: it is part of the topic,
            # and "Hvad med Boblberg?", naming what the conversation never did, is the whole of it.
            topic = question if names_new(question, history) else f"{topic}\n{question}"
        condensed = self.condenser(question, history) if self.condenser else None
        if condensed:
            return analyse(question, condensed, self.newest_year(), said, topic), condensed
        return analyse(question, standalone, self.newest_year(), said, topic), resolved_question(question, history)

    def retrieve(self, analysis: QueryAnalysis, mode: Mode, filters: SearchFilters | None) -> list[Passage]:
        """Passages for the analysed question; a draft request is searched by its topic words only.

        When the question's own most specific term (a named initiative) is in
        none of them, it may just rank low: it is looked for explicitly once.
        """
        query = (topic_query(analysis.text) or analysis.text) if mode == "draft" else analysis.text
        passages = self.retriever.search(query, self.config.passages, filters, analysis)
        topic = missing_anchor(analysis.typed, passages) if mode == "answer" else None
        if topic:
            seen = {p.chunk.chunk_id for p in passages}
            extra = self.retriever.search(topic, self.config.passages, filters)
            passages += [p for p in extra if p.chunk.chunk_id not in seen]
        return passages

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
        analysis, resolved = self.analyse(question, history)
        request = AnswerRequest(analysis, self.retrieve(analysis, mode, filters), history)
        answerer: Answerer = self.draft if mode == "draft" else self.answerer
        for item in answerer.stream(request):
            if isinstance(item, Answer):
                item.resolved_question = resolved
            yield item


_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]{0,500}>")


def without_markup(question: str) -> str:
    """The question as words: pasted HTML tags and scripts are noise, not search terms.

    Users paste from web pages and e-mails; "<img src=...>" would otherwise
    dilute the query and make the assistant decline a plain question.
    """
    return " ".join(_TAG.sub(" ", _SCRIPT.sub(" ", question)).split())
