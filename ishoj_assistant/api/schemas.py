"""Request and response shapes of the HTTP API (the OpenAPI docs are built from these).

Validation messages are Danish because the API's error ``detail`` is shown to
staff as is; the dataclasses in :mod:`ishoj_assistant.models` stay free of
FastAPI and are converted here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ishoj_assistant.models import Answer, DocType, SearchFilters
from ishoj_assistant.services.text_input import check_text

# Earlier turns a request may carry, and the length of each: follow-ups need a
# few turns, not a whole transcript.
MAX_HISTORY_TURNS = 20
MAX_TURN_CHARS = 20_000


class _Request(BaseModel):
    """A request body: a field it does not know is refused, not ignored. A misspelt filter ("years" for
    "year") would otherwise search the whole archive while the caller believes it filtered."""

    model_config = ConfigDict(extra="forbid")


class Filters(_Request):
    doc_id: str | None = Field(None, pattern=r"^[a-z0-9-]{1,200}$")
    doc_type: DocType | None = None
    year: int | None = Field(None, ge=1900, le=2100)

    def to_model(self) -> SearchFilters | None:
        filters = SearchFilters(self.doc_id, self.doc_type, self.year)
        return None if filters.is_empty() else filters


class SearchRequest(_Request):
    query: str
    k: int = Field(10, ge=1, le=50)
    filters: Filters = Field(default_factory=Filters)

    @field_validator("query")
    @classmethod
    def _query(cls, value: str) -> str:
        return check_text(value, "Søgningen")


class SearchResult(BaseModel):
    doc_id: str
    title: str
    file: str
    page: int
    section: str
    text: str
    score: float


class SearchResponse(BaseModel):
    results: list[SearchResult]


class Turn(_Request):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TURN_CHARS)  # pydantic refuses a lone surrogate here itself (string_unicode)


class AskRequest(_Request):
    question: str
    history: list[Turn] = Field(default_factory=list, max_length=MAX_HISTORY_TURNS)
    mode: Literal["answer", "draft"] = "answer"
    filters: Filters = Field(default_factory=Filters)

    @field_validator("question")
    @classmethod
    def _question(cls, value: str) -> str:
        return check_text(value, "Spørgsmålet")


class CitationOut(BaseModel):
    n: int
    doc_id: str
    title: str
    file: str
    page: int
    quote: str


def citations_out(answer: Answer) -> list[CitationOut]:
    """An answer's numbered sources in their public shape (shared by /api and /v1)."""
    return [CitationOut(**c.as_dict()) for c in answer.citations]


class AskResponse(BaseModel):
    answer: str
    declined: bool
    citations: list[CitationOut]
    mode: str
    resolved_question: str | None = Field(None, description="The standalone question a follow-up was read as.")
    warnings: list[str] = Field(
        default_factory=list, description="Danish notes for the reader, e.g. the language model was unreachable or sentences were dropped."
    )
    related: list[SearchResult] = Field(
        default_factory=list, description="On a decline: the closest passages ('Måske relevant')."
    )

    @classmethod
    def from_answer(cls, answer: Answer) -> "AskResponse":
        return cls(
            answer=answer.text,
            declined=answer.declined,
            citations=citations_out(answer),
            mode=answer.mode,
            resolved_question=answer.resolved_question,
            warnings=answer.warnings,
            related=[SearchResult(**p.as_dict()) for p in answer.related],
        )


class DocumentOut(BaseModel):
    doc_id: str
    title: str
    file: str
    doc_type: str
    year: int | None
    pages: int
    chunks: int


class DocumentsResponse(BaseModel):
    documents: list[DocumentOut]


class JobAccepted(BaseModel):
    job_id: str
    file: str


class FileOutcome(BaseModel):
    file: str
    status: str
    doc_id: str
    chunks: int
    reason: str


class JobStatus(BaseModel):
    job_id: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float = Field(description="0..1 of the chunks to embed")
    files: list[str]
    results: list[FileOutcome]
    error: str | None = None


class Health(BaseModel):
    status: str
    chunks: int
    documents: int
    embedder: str
    store_mode: str
