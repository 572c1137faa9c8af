"""Exporting a draft: Markdown for pasting, DOCX for the application template.

Both keep the draft's headings and paragraphs with their [n] markers and
end with the numbered source list, so the citations survive the export.
"""

from __future__ import annotations

import io

from docx import Document

from ishoj_assistant.models import Answer, Citation

SOURCES_HEADING = "Kilder"
_HEADING = "## "


def source_line(citation: Citation) -> str:
    """One entry of the numbered source list: title, page and quoted passage."""
    return f"{citation.title}, s. {citation.page}: »{citation.quote}«"


def draft_to_markdown(answer: Answer) -> str:
    """The draft as Markdown with a numbered source list."""
    sources = [f"{c.n}. {source_line(c)}" for c in answer.citations]
    return "\n".join([answer.text.strip(), "", f"{_HEADING}{SOURCES_HEADING}", "", *sources]) + "\n"


def draft_to_docx(answer: Answer) -> bytes:
    """The draft as a Word document: headings, paragraphs and a numbered source list."""
    document = Document()
    for block in answer.text.split("\n\n"):
        for line in filter(None, (line.strip() for line in block.splitlines())):
            if line.startswith(_HEADING):
                document.add_heading(line[len(_HEADING):], level=2)
            else:
                document.add_paragraph(line)
    if answer.citations:
        document.add_heading(SOURCES_HEADING, level=2)
        for citation in answer.citations:
            document.add_paragraph(f"[{citation.n}] {source_line(citation)}", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
