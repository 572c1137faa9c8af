"""Request and response shapes of the HTTP API (the OpenAPI docs are built from these).

Validation messages are Danish because the API's error ``detail`` is shown to
staff as is; the dataclasses in :mod:`ishoj_assistant.models` stay free of
FastAPI and are converted here.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from ishoj_assistant.models import Answer, SearchFilters

MAX_QUESTION_CHARS = 2000
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def _agreeing(noun: str, adjective: str) -> str:
    """The adjective in the noun's gender: a neuter noun in its definite form ends in -et
    ("Spørgsmålet er tomt"), a common one in -en ("Søgningen er tom")."""
    return adjective + "t" if noun.endswith("et") else adjective


def check_text(value: str, what: str) -> str:
    """Refuse empty, over-long or control-character text; HTML is kept (escaped when shown).

    ``what`` is the field's noun in its definite form ("Spørgsmålet", "Søgningen").
    """
    if not value.strip():
        raise ValueError(f"{what} må ikke være {_agreeing(what, 'tom')}")
    if len(value) > MAX_QUESTION_CHARS:
        raise ValueError(f"{what} er for {_agreeing(what, 'lang')} (højst {MAX_QUESTION_CHARS} tegn)")
    if any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS for ch in value):
        raise ValueError(f"{what} indeholder ugyldige kontroltegn")
    return value.strip()


class Filters(BaseModel):
    doc_id: str | None = None
    doc_type: Literal["status", "ansoegning", "strategi", "andet"] | None = None
    year: int | None = Field(None, ge=1900, le=2100)

    def to_model(self) -> SearchFilters | None:
        filters = SearchFilters(self.doc_id, self.doc_type, self.year)
        return None if filters.is_empty() else filters


class SearchRequest(BaseModel):
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


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000)


class AskRequest(BaseModel):
    question: str
    history: list[Turn] = Field(default_factory=list, max_length=20)
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


class AskResponse(BaseModel):
    answer: str
    declined: bool
    citations: list[CitationOut]
    mode: str
    resolved_question: str | None = Field(None, description="The standalone question a follow-up was read as.")

    @classmethod
    def from_answer(cls, answer: Answer) -> "AskResponse":
        return cls(
            answer=answer.text,
            declined=answer.declined,
            citations=[CitationOut(**c.as_dict()) for c in answer.citations],
            mode=answer.mode,
            resolved_question=answer.resolved_question,
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
