"""Request and response shapes of the OpenAI-compatible endpoint (/v1).

Names and nesting follow OpenAI's chat completions API, because Open WebUI
and the official ``openai`` client parse them as they are. The additions are
``citations`` (the structured sources) and a model's display ``name``, which
Open WebUI shows. Request fields the assistant has no use for (temperature,
tools, ...) are accepted and ignored, as a client may send them on every call.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, PrivateAttr, model_validator

from ishoj_assistant.api.openai_footer import without_footer
from ishoj_assistant.api.schemas import MAX_HISTORY_TURNS, MAX_TURN_CHARS, CitationOut
from ishoj_assistant.services.text_input import check_text


def _omit_none(value: object) -> bool:
    return value is None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str
    name: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class ContentPart(BaseModel):
    """One part of a message's content; only text parts mean anything to the assistant."""

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(part.text for part in self.content if part.type == "text" and part.text)
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    """A chat turn: the last user message is the question, earlier user/assistant turns its history.

    System and tool messages are left out: the assistant's behaviour (answer
    only from the documents, cite everything) is not the client's to change.
    """

    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    _question: str = PrivateAttr("")
    _history: list[dict[str, str]] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _conversation(self) -> "ChatCompletionRequest":
        turns = [m for m in self.messages if m.role in ("user", "assistant")]
        if not turns or turns[-1].role != "user":
            raise ValueError("Den sidste besked skal være brugerens spørgsmål (rollen 'user')")
        if any(len(turn.text) > MAX_TURN_CHARS for turn in turns):
            raise ValueError(f"En besked er for lang (højst {MAX_TURN_CHARS} tegn)")
        self._question = check_text(turns[-1].text, "Spørgsmålet")
        self._history = [
            {"role": turn.role, "content": without_footer(turn.text) if turn.role == "assistant" else turn.text}
            for turn in turns[:-1][-MAX_HISTORY_TURNS:]
        ]
        return self

    @property
    def question(self) -> str:
        return self._question

    @property
    def history(self) -> list[dict[str, str]]:
        """Earlier turns, the latest ones only, with each reply's source footer taken off."""
        return self._history


class ReplyMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str
    citations: list[CitationOut]


class Choice(BaseModel):
    index: int = 0
    message: ReplyMessage
    finish_reason: Literal["stop"] = "stop"


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]


class Delta(BaseModel):
    """What a stream chunk adds; fields it does not set are left out, as OpenAI does."""

    role: Literal["assistant"] | None = Field(None, exclude_if=_omit_none)
    content: str | None = Field(None, exclude_if=_omit_none)


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: Literal["stop"] | None = None


class ChatCompletionChunk(BaseModel):
    """One ``chat.completion.chunk``; the last one (finish_reason "stop") carries the citations."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    citations: list[CitationOut] | None = Field(None, exclude_if=_omit_none)


class ErrorBody(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody
