"""The data shapes passed between ingestion, store, retrieval and answering.

Plain dataclasses keep the layers independent of Chroma and FastAPI; the API
layer converts them to its own pydantic schemas.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from collections.abc import Sequence
from typing import Any, Literal


class DocType(StrEnum):
    """The document types users filter by: the one definition ingestion, store, API and UI share."""

    STATUS = "status"
    ANSOEGNING = "ansoegning"
    STRATEGI = "strategi"
    ANDET = "andet"

    @property
    def label(self) -> str:
        """The Danish name shown to users."""
        return _DOC_TYPE_LABELS[self]


_DOC_TYPE_LABELS = {
    DocType.STATUS: "Statusnotat",
    DocType.ANSOEGNING: "Ansøgning",
    DocType.STRATEGI: "Strategi",
    DocType.ANDET: "Andet",
}
DOC_TYPE_LABELS: dict[str, str] = {str(t): t.label for t in DocType}


@dataclass(frozen=True)
class Chunk:
    """One indexed passage of a document, as stored in Chroma.

    ``doc_version`` is the content hash of the document file the chunk came
    from; together with the manifest it tells a complete document version from
    a half-written one.
    """

    chunk_id: str
    doc_id: str
    doc_version: str
    text: str
    file: str
    title: str
    doc_type: str
    year: int | None
    page_start: int
    page_end: int
    section: str
    char_start: int
    char_end: int
    chunk_index: int
    # Lines of ``text`` the document's layout sets as headings (bold or large type), as "0,4": the
    # answer layer cannot see type, and a title block of short lines otherwise reads as a list.
    heading_lines: str = ""

    @property
    def heading_line_numbers(self) -> frozenset[int]:
        return frozenset(int(n) for n in self.heading_lines.split(",") if n)

    def context_text(self) -> str:
        """What search sees of a chunk, keyword and dense alike: title, year and section, then the text.

        A body that does not repeat its heading is still found by it ("Status
        på værdighedsmidler 2020 › Kontinensklinikken"), and e5 gets the
        context a bare passage lacks ("Mål: 43 borgere" means little without
        "Kontinensklinik").
        """
        title = f"{self.title} ({self.year})" if self.year and str(self.year) not in self.title else self.title
        if " ".join(self.title.split()).casefold() in " ".join(self.text.split()).casefold():
            title = ""  # the title page: its title once, or it outranks every other passage of its document
        heading = SECTION_SEPARATOR.join(part for part in (title, self.section) if part)
        return f"{heading}\n{self.text}" if heading else self.text

    def metadata(self) -> dict[str, Any]:
        """Chroma metadata (Chroma rejects None values, so year 0 means unknown)."""
        meta = asdict(self)
        del meta["chunk_id"], meta["text"]
        meta["year"] = self.year or 0
        return meta

    @classmethod
    def from_record(cls, chunk_id: str, text: str, meta: dict[str, Any]) -> "Chunk":
        """Rebuild a chunk from what Chroma returns."""
        fields = {k: meta[k] for k in cls.__dataclass_fields__ if k in meta}
        fields["year"] = int(meta.get("year") or 0) or None
        return cls(chunk_id=chunk_id, text=text, **{k: v for k, v in fields.items() if k not in ("chunk_id", "text")})


# Between the headings of a chunk's section path ("Kontinensklinikken › Status"), written by ingest and read by search.
SECTION_SEPARATOR = " › "


def heading_lines(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The numbers of the lines of ``text`` that the character spans cover, as stored on a chunk."""
    lines = sorted({n for start, end in spans for n in range(text.count("\n", 0, start), text.count("\n", 0, end) + 1)})
    return ",".join(str(n) for n in lines)


@dataclass(frozen=True)
class SearchFilters:
    """Metadata filters the user may set; None means 'any'."""

    doc_id: str | None = None
    doc_type: str | None = None
    year: int | None = None

    def is_empty(self) -> bool:
        return self.doc_id is None and self.doc_type is None and self.year is None

    def matches(self, chunk: Chunk) -> bool:
        """True when the chunk passes every filter that is set."""
        return (
            (self.doc_id is None or chunk.doc_id == self.doc_id)
            and (self.doc_type is None or chunk.doc_type == self.doc_type)
            and (self.year is None or chunk.year == self.year)
        )


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused relevance score."""

    chunk: Chunk
    score: float

    @property
    def doc_id(self) -> str:
        return self.chunk.doc_id

    @property
    def title(self) -> str:
        return self.chunk.title

    @property
    def file(self) -> str:
        return self.chunk.file

    @property
    def page(self) -> int:
        return self.chunk.page_start

    @property
    def section(self) -> str:
        return self.chunk.section

    @property
    def text(self) -> str:
        return self.chunk.text

    def as_dict(self) -> dict[str, Any]:
        """The public shape of a search result (API and evaluation)."""
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "file": self.file,
            "page": self.page,
            "section": self.section,
            "text": self.text,
            "score": round(float(self.score), 6),
        }


@dataclass(frozen=True)
class Citation:
    """A numbered source behind an answer: document, page and the quoted passage."""

    n: int
    doc_id: str
    title: str
    file: str
    page: int
    quote: str
    context: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "doc_id": self.doc_id,
            "title": self.title,
            "file": self.file,
            "page": self.page,
            "quote": self.quote,
        }


@dataclass
class Answer:
    """A finished answer. ``declined`` is True when the documents do not hold it;
    then ``related`` carries the closest passages ("Måske relevant").
    ``resolved_question`` is the standalone question a follow-up was read as, so
    the user can see how "og hvad med 2020?" was understood."""

    text: str
    declined: bool
    citations: list[Citation]
    mode: Literal["answer", "draft"] = "answer"
    related: list[Passage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    resolved_question: str | None = None


@dataclass(frozen=True)
class DocumentInfo:
    """One indexed document as listed to users and administrators."""

    doc_id: str
    title: str
    file: str
    doc_type: str
    year: int | None
    pages: int
    chunks: int
    doc_version: str
    source_path: str = ""
    cpr_masked: int = 0  # CPR numbers masked in the text: the original file then holds them unmasked

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
