"""Exporting a draft: Markdown for pasting, DOCX for the application template.

Both keep the draft's headings and paragraphs with their [n] markers and
end with the numbered source list, so the citations survive the export.
"""

from __future__ import annotations

import io
import re
from datetime import date

from ishoj_assistant.danish import words

from docx import Document

from ishoj_assistant.models import Answer, Citation

SOURCES_HEADING = "Kilder"
_HEADING = "## "
_MARKER = re.compile(r"\[\d+\]")


def source_line(citation: Citation) -> str:
    """One entry of the numbered source list: title, page and quoted passage."""
    return f"{citation.title}, s. {citation.page}: »{citation.quote}«"


def draft_sections(answer: Answer) -> list[tuple[str, list[str]]]:
    """The draft's (heading, paragraphs) in order: a block's first line without a citation marker is its heading."""
    sections: list[tuple[str, list[str]]] = []
    for block in answer.text.split("\n\n"):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and not _MARKER.search(lines[0]):
            sections.append((lines[0], lines[1:]))
        elif lines:
            sections.append(("", lines))
    return sections


def draft_filename(request: str, day: date | None = None, suffix: str = ".docx") -> str:
    """A file name saying what the draft is about and when it was made: 'udkast-hverdagstraening-2026-12-01.docx'."""
    ascii_words = [w.translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})) for w in words(request)]
    slug = "-".join(w for w in ascii_words if w.isascii() and w.isalnum())[:60].strip("-") or "ansoegning"
    return f"udkast-{slug}-{(day or date.today()).isoformat()}{suffix}"


def draft_to_markdown(answer: Answer) -> str:
    """The draft as Markdown with a numbered source list."""
    blocks = [(f"{_HEADING}{heading}\n" if heading else "") + "\n".join(lines) for heading, lines in draft_sections(answer)]
    sources = [f"{c.n}. {source_line(c)}" for c in answer.citations]
    return "\n\n".join([*blocks, f"{_HEADING}{SOURCES_HEADING}\n\n" + "\n".join(sources)]) + "\n"


def draft_to_docx(answer: Answer) -> bytes:
    """The draft as a Word document: headings, paragraphs and the source list, each source numbered once."""
    document = Document()
    for heading, lines in draft_sections(answer):
        if heading:
            document.add_heading(heading, level=2)
        for line in lines:
            document.add_paragraph(line)
    if answer.citations:
        document.add_heading(SOURCES_HEADING, level=2)
        for citation in answer.citations:
            document.add_paragraph(f"[{citation.n}] {source_line(citation)}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
