"""Follow-ups rewritten as standalone questions by the site's LLM (llama-index's condense-question pattern).

"Hvad kostede det?" after a question about mentors in 2022 is searched and
answered as "Hvad kostede mentorstøtten til unge i 2022?". Only used when a
site LLM is configured; when it fails, or without one, the rule-free reading
in :mod:`ishoj_assistant.answering.conversation` is used instead.
"""

from __future__ import annotations

import logging

from llama_index.core.llms import LLM, ChatMessage, MessageRole

from ishoj_assistant.answering.base import History
from ishoj_assistant.answering.conversation import is_follow_up

log = logging.getLogger(__name__)

# Turns of the conversation shown to the LLM; older ones rarely hold the referent.
_TURNS = 4
# A standalone question is one line; anything longer is the model talking.
_MAX_CHARS = 400

CONDENSE_PROMPT = (
    "Givet samtalen nedenfor og et opfølgende spørgsmål, så omskriv det opfølgende spørgsmål til ét "
    "selvstændigt spørgsmål på dansk, der kan forstås uden samtalen. Bevar årstal, navne på indsatser "
    "og dokumenter. Svar kun med spørgsmålet.\n\nSamtale:\n{history}\n\nOpfølgende spørgsmål: {question}\n"
    "Selvstændigt spørgsmål:"
)


class LLMCondenser:
    """Rewrites a follow-up through the LLM; None when the question stands alone or the LLM fails."""

    def __init__(self, llm: LLM):
        self.llm = llm

    def __call__(self, question: str, history: History) -> str | None:
        if not is_follow_up(question, history):
            return None
        lines = [f"{'Bruger' if t.get('role') == 'user' else 'Assistent'}: {t.get('content', '')}" for t in history[-_TURNS:]]
        prompt = CONDENSE_PROMPT.format(history="\n".join(lines), question=question)
        try:
            reply = self.llm.chat([ChatMessage(role=MessageRole.USER, content=prompt)]).message.content or ""
        except Exception as exc:  # noqa: BLE001 - any client failure: fall back to the rule-free reading
            log.warning("LLM could not rewrite the follow-up: %s", exc)
            return None
        standalone = reply.strip().splitlines()[0].strip(' "»«') if reply.strip() else ""
        return standalone if 0 < len(standalone) <= _MAX_CHARS else None
