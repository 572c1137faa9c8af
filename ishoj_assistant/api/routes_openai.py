"""An OpenAI-compatible chat endpoint (/v1), so the chat front ends municipalities run can use the assistant.

Open WebUI and the official ``openai`` client work with it unchanged: the
assistant is listed as two models (answers and drafts), the conversation is
``messages``, the reply's content ends with a short source list, and errors
come in OpenAI's error shape with Danish messages. Access is the reader
token, checked by the same rule as /api.

A stream sends the checked answer only. With a site LLM the assistant's raw
tokens may include sentences the checker later removes, and a chat front end
cannot take back text it has shown, so the stream starts at once (the role
chunk) and the content follows when the answer is ready.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ishoj_assistant.answering.base import pieces
from ishoj_assistant.api.openai_footer import footer, with_footer
from ishoj_assistant.api.openai_schemas import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    Choice,
    ChunkChoice,
    Delta,
    ErrorBody,
    ErrorResponse,
    ModelCard,
    ModelList,
    ReplyMessage,
)
from ishoj_assistant.api.schemas import citations_out
from ishoj_assistant.api.security import require_reader
from ishoj_assistant.api.sse import sse_event
from ishoj_assistant.models import Answer

if TYPE_CHECKING:
    from ishoj_assistant.answering.assistant import Mode

log = logging.getLogger(__name__)

PREFIX = "/v1"
router = APIRouter(prefix=PREFIX, tags=["openai"], dependencies=[Depends(require_reader)])

# Model id -> (assistant mode, name shown in the front end's model picker).
MODELS: dict[str, tuple[Mode, str]] = {
    "ishoj-assistant": ("answer", "Ishøj dokumentassistent"),
    "ishoj-assistant-udkast": ("draft", "Ishøj dokumentassistent (udkast)"),
}
_OWNER = "ishoj-kommune"
_LISTED_AT = int(time.time())
_FAILED = "Svaret kunne ikke laves. Prøv igen om lidt."
_DONE = "data: [DONE]\n\n"
# Danish for the errors the router itself raises with an English phrase (unknown path, wrong method).
_DANISH_STATUS = {404: "Adressen findes ikke", 405: "Metoden er ikke tilladt på denne adresse"}
_DEFAULT_CODES = {401: "invalid_api_key", 404: "not_found"}


class OpenAIError(HTTPException):
    """An error with OpenAI's machine-readable ``code`` (e.g. ``model_not_found``)."""

    def __init__(self, status: int, message: str, code: str):
        super().__init__(status, message)
        self.code = code


def serves(path: str) -> bool:
    """Whether errors on ``path`` must come in OpenAI's shape rather than the API's ``detail``."""
    return path == PREFIX or path.startswith(f"{PREFIX}/")


def error_response(
    status: int, message: str, code: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    """An error as OpenAI clients read it; invalid requests are 400 there, not FastAPI's 422."""
    return JSONResponse(status_code=status, content=_error(status, message, code), headers=headers)


def _error(status: int, message: str, code: str | None) -> dict[str, object]:
    """``{"error": {"message", "type", "param", "code"}}`` as OpenAI sends it, in a response or a stream."""
    kind = "server_error" if status >= 500 else "invalid_request_error"
    return ErrorResponse(error=ErrorBody(message=message, type=kind, code=code)).model_dump()


def http_error_response(exc: StarletteHTTPException) -> JSONResponse:
    """An HTTP error (token refused, unknown model or path) in OpenAI's shape, in Danish."""
    status = exc.status_code
    message = str(exc.detail)
    if message == HTTPStatus(status).phrase:
        message = _DANISH_STATUS.get(status, "Anmodningen kunne ikke behandles")
    code = exc.code if isinstance(exc, OpenAIError) else _DEFAULT_CODES.get(status)
    return error_response(status, message, code, exc.headers)


def _card(model_id: str) -> ModelCard:
    return ModelCard(id=model_id, created=_LISTED_AT, owned_by=_OWNER, name=MODELS[model_id][1])


def _mode(model_id: str) -> Mode:
    if model_id not in MODELS:
        message = f"Modellen '{model_id}' findes ikke. Vælg en af: {', '.join(MODELS)}."
        raise OpenAIError(404, message, "model_not_found")
    return MODELS[model_id][0]


@router.get("/models", response_model=ModelList, summary="Assistentens modeller (svar og udkast)")
def list_models() -> ModelList:
    return ModelList(data=[_card(model_id) for model_id in MODELS])


@router.get("/models/{model_id}", response_model=ModelCard, summary="Én model")
def retrieve_model(model_id: str) -> ModelCard:
    _mode(model_id)
    return _card(model_id)


@dataclass(frozen=True)
class _Reply:
    """The identity every part of one reply shares: id, creation time and model."""

    model: str
    id: str = field(default_factory=lambda: f"chatcmpl-{uuid.uuid4().hex}")
    created: int = field(default_factory=lambda: int(time.time()))

    def completion(self, answer: Answer) -> ChatCompletion:
        message = ReplyMessage(content=with_footer(answer), citations=citations_out(answer))
        return ChatCompletion(id=self.id, created=self.created, model=self.model, choices=[Choice(message=message)])

    def chunk(self, delta: Delta, answer: Answer | None = None) -> str:
        """One chunk event; passing the finished ``answer`` makes it the last one, with the citations."""
        choice = ChunkChoice(delta=delta, finish_reason=None if answer is None else "stop")
        citations = None if answer is None else citations_out(answer)
        chunk = ChatCompletionChunk(
            id=self.id, created=self.created, model=self.model, choices=[choice], citations=citations
        )
        return sse_event(chunk.model_dump())


def _stream(reply: _Reply, ask: Callable[[], Answer]) -> Iterator[str]:
    yield reply.chunk(Delta(role="assistant", content=""))
    try:
        answer = ask()
    except Exception:  # noqa: BLE001 - headers are sent; the client must hear it as an error event
        log.exception("Streamed /v1 answer failed")
        yield sse_event(_error(500, _FAILED, "server_error"))
        return
    for piece in [*pieces(answer), footer(answer)]:
        if piece:
            yield reply.chunk(Delta(content=piece))
    yield reply.chunk(Delta(), answer)
    yield _DONE


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    summary="Svar på den sidste brugerbesked i samtalen (som OpenAI's chat completions)",
    description='Med "stream": true kommer svaret som chat.completion.chunk-hændelser og til sidst "data: [DONE]".',
)
def chat_completions(body: ChatCompletionRequest, request: Request) -> ChatCompletion | StreamingResponse:
    mode = _mode(body.model)
    assistant = request.app.state.context.assistant
    reply = _Reply(body.model)

    def ask() -> Answer:
        return assistant.answer(body.question, body.history, mode)

    if body.stream:
        headers = {"Cache-Control": "no-cache"}
        return StreamingResponse(_stream(reply, ask), media_type="text/event-stream", headers=headers)
    try:
        answer = ask()
    except Exception as exc:  # noqa: BLE001 - the client gets a Danish error, the log gets the cause
        log.exception("/v1 answer failed")
        raise OpenAIError(500, _FAILED, "server_error") from exc
    return reply.completion(answer)
