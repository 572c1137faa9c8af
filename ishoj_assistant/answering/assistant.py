"""TEMP stand-in for the real Assistant (built in parallel); dropped at merge."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from ishoj_assistant.models import Answer, Citation, SearchFilters
from ishoj_assistant.retrieval import Retriever

DECLINE = "Det kan jeg ikke finde i dokumenterne."


class Assistant:
    """Answers with the top passage's first sentence, cited; declines when nothing is found."""

    def __init__(self, retriever: Retriever):
        self.retriever = retriever

    def answer(
        self,
        question: str,
        history: Sequence[Mapping[str, str]] = (),
        mode: str = "answer",
        filters: SearchFilters | None = None,
    ) -> Answer:
        passages = self.retriever.search(question, 3, filters)
        if not passages:
            return Answer(DECLINE, True, [], mode=mode)  # type: ignore[arg-type]
        top = passages[0]
        sentence = re.split(r"(?<=[.!?])\s+", top.text.strip(), maxsplit=1)[0]
        citation = Citation(1, top.doc_id, top.title, top.file, top.page, sentence, top.text)
        return Answer(f"{sentence} [1]", False, [citation], mode=mode)  # type: ignore[arg-type]

    def stream(
        self,
        question: str,
        history: Sequence[Mapping[str, str]] = (),
        mode: str = "answer",
        filters: SearchFilters | None = None,
    ) -> Iterator[str | Answer]:
        answer = self.answer(question, history, mode, filters)
        for word in answer.text.split(" "):
            yield word + " "
        yield answer
