"""Generative answers from a site LLM, checked against the sources before use.

The LLM writes fluent Danish, but what the user finally receives is the
checker's version: unsupported sentences removed, citations renumbered and
quoted. Streaming shows the raw text as it arrives and then delivers that
checked answer, which the caller should display in its place.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from llama_index.core.llms import LLM

from ishoj_assistant.answering.base import AnswerRequest
from ishoj_assistant.answering.checker import DECLINE_TEXT, check_answer
from ishoj_assistant.answering.llm import build_llm
from ishoj_assistant.answering.prompt import build_messages
from ishoj_assistant.models import Answer, Passage
from ishoj_assistant.settings import Settings

# How many of the given passages a declined answer offers as "Måske relevant".
RELATED_LIMIT = 3


class GenerativeAnswerer:
    """Answers a question from given passages with an LLM; retrieval happens elsewhere.

    Errors from the LLM client (server down, timeout) propagate, so the caller
    can fall back to extractive answering.
    """

    def __init__(self, llm: LLM) -> None:
        self.llm = llm

    @classmethod
    def from_settings(cls, settings: Settings) -> "GenerativeAnswerer | None":
        """The answerer for the configured LLM, or None when the site has none."""
        llm = build_llm(settings)
        return cls(llm) if llm is not None else None

    def stream(self, request: AnswerRequest) -> Iterator[str | Answer]:
        """Text pieces as the LLM writes them, then the checked :class:`Answer` last.

        The LLM gets the question as typed and the conversation: it resolves
        follow-ups itself.
        """
        question, history, passages = request.analysis.typed, request.history, request.passages
        if not passages:
            yield _without_sources()
            return
        pieces: list[str] = []
        for chunk in self.llm.stream_chat(build_messages(question, history, passages)):
            if chunk.delta:
                pieces.append(chunk.delta)
                yield chunk.delta
        yield _finish("".join(pieces), passages)


def _finish(text: str, passages: Sequence[Passage]) -> Answer:
    """The checked answer; a declined one offers the best passages as related."""
    checked = check_answer(text, list(passages))
    related = sorted(passages, key=lambda p: p.score, reverse=True)[:RELATED_LIMIT] if checked.declined else []
    return Answer(
        text=checked.text,
        declined=checked.declined,
        citations=checked.citations,
        mode="answer",
        related=related,
        warnings=checked.warnings,
    )


def _without_sources() -> Answer:
    """Nothing was retrieved, so there is nothing to ask the LLM about."""
    return Answer(text=DECLINE_TEXT, declined=True, citations=[], mode="answer")
