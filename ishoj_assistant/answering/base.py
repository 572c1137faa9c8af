"""The one interface every answerer implements: extractive, draft and generative.

The assistant analyses the question and retrieves passages once; an answerer
only turns that request into text pieces and a final, cited :class:`Answer`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ishoj_assistant.models import Answer, Passage
from ishoj_assistant.query import QueryAnalysis

History = Sequence[Mapping[str, str]]


@dataclass(frozen=True)
class AnswerRequest:
    """What every answerer gets: the analysed question, its passages and the conversation so far."""

    analysis: QueryAnalysis
    passages: list[Passage]
    history: History = ()


class Answerer(Protocol):
    def stream(self, request: AnswerRequest) -> Iterator[str | Answer]:
        """Text pieces as they are ready, then the final :class:`Answer` last."""
        ...


def pieces(answer: Answer) -> Iterator[str]:
    """An answer's text in streamable pieces: one per cited sentence or line."""
    for line in answer.text.splitlines(keepends=True):
        parts = re.split(r"(?<=\]) ", line)
        for i, part in enumerate(parts):
            yield part + (" " if i < len(parts) - 1 else "")


def stream_whole(answer: Answer) -> Iterator[str | Answer]:
    """Stream an answer that was built in one go: its pieces, then itself."""
    yield from pieces(answer)
    yield answer
