"""Reading endpoints: search, ask and ask as a server-sent-events stream."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from ishoj_assistant.api.schemas import AskRequest, AskResponse, SearchRequest, SearchResponse
from ishoj_assistant.api.security import require_reader
from ishoj_assistant.api.sse import sse_event
from ishoj_assistant.models import Answer

router = APIRouter(prefix="/api", tags=["svar"], dependencies=[Depends(require_reader)])
logger = logging.getLogger(__name__)
STREAM_FAILED = "Svaret kunne ikke laves; prøv igen om lidt"


@router.post("/search", response_model=SearchResponse, summary="Søg efter passager")
def search(body: SearchRequest, request: Request) -> SearchResponse:
    passages = request.app.state.context.retriever.search(body.query, body.k, body.filters.to_model())
    return SearchResponse.model_validate({"results": [p.as_dict() for p in passages]})


def _history(body: AskRequest) -> list[dict[str, str]]:
    return [turn.model_dump() for turn in body.history]


@router.post("/ask", response_model=AskResponse, summary="Stil et spørgsmål og få et svar med kilder")
def ask(body: AskRequest, request: Request) -> AskResponse:
    answer = request.app.state.context.assistant.answer(
        body.question, _history(body), body.mode, body.filters.to_model()
    )
    return AskResponse.from_answer(answer)


@router.post(
    "/ask/stream",
    summary="Som /api/ask, men som server-sent events",
    description='Hændelsen "piece" bærer tekststykker (JSON-streng); "done" bærer det færdige svar som /api/ask.',
    response_class=StreamingResponse,
)
def ask_stream(body: AskRequest, request: Request) -> StreamingResponse:
    assistant = request.app.state.context.assistant
    history, filters = _history(body), body.filters.to_model()

    def events() -> Iterator[str]:
        try:
            for item in assistant.stream(body.question, history, body.mode, filters):
                if isinstance(item, Answer):
                    yield sse_event(AskResponse.from_answer(item).model_dump(), "done")
                else:
                    yield sse_event(item, "piece")
        except Exception:  # noqa: BLE001 - the client must hear about it (headers are sent), but not the internals
            logger.exception("Svaret på et spørgsmål i strømmen fejlede")
            yield sse_event({"detail": STREAM_FAILED}, "error")

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
