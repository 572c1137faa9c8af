"""TEMP stand-in for the real DOCX export (built in parallel); dropped at merge."""

from __future__ import annotations

import io

from ishoj_assistant.models import Answer


def draft_to_docx(answer: Answer) -> bytes:
    """The draft text and its sources as a Word document."""
    from docx import Document

    document = Document()
    document.add_heading("Udkast", level=1)
    document.add_paragraph(answer.text)
    for c in answer.citations:
        document.add_paragraph(f"[{c.n}] {c.title}, side {c.page}: »{c.quote}«")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
