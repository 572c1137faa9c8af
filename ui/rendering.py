"""HTML for the chat and the sources panel, with every piece of document or user text escaped.

Documents and questions may contain markup (a PDF can hold "<script>"); the
UI shows it as text. Only the tags built here (<mark>, <a>, lists) are real.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from ishoj_assistant.models import DOC_TYPE_LABELS, Answer, Citation, Passage


def text_html(text: str) -> str:
    """Plain text as HTML: escaped, line breaks kept."""
    return html.escape(text).replace("\n", "<br>")


def pdf_link(doc_id: str, page: int) -> str:
    href = f"/api/documents/{quote(doc_id, safe='')}/file#page={int(page)}"
    return f'<a href="{html.escape(href)}" target="_blank" rel="noopener">Åbn PDF på side {int(page)}</a>'


def highlighted(quote_text: str, context: str) -> str:
    """The passage with the quoted part in <mark>; just the quote when the passage lacks it."""
    start = context.find(quote_text) if quote_text else -1
    if start < 0:
        return f"<mark>{html.escape(quote_text)}</mark>"
    end = start + len(quote_text)
    return f"{html.escape(context[:start])}<mark>{html.escape(quote_text)}</mark>{html.escape(context[end:])}"


def citation_html(citation: Citation) -> str:
    return (
        f'<li class="kilde" value="{int(citation.n)}"><strong>{html.escape(citation.title)}</strong>, '
        f"side {int(citation.page)} &middot; {pdf_link(citation.doc_id, citation.page)}"
        f'<div class="passage">{highlighted(citation.quote, citation.context or citation.quote)}</div></li>'
    )


def related_html(passage: Passage) -> str:
    return (
        f"<li><strong>{html.escape(passage.title)}</strong>, side {int(passage.page)} &middot; "
        f"{pdf_link(passage.doc_id, passage.page)}<div class=\"passage\">{html.escape(passage.text[:400])}</div></li>"
    )


def sources_html(answer: Answer) -> str:
    """The numbered sources of an answer, or the closest passages when it declined."""
    parts = []
    if answer.citations:
        parts.append("<h3>Kilder</h3><ol>" + "".join(citation_html(c) for c in answer.citations) + "</ol>")
    if answer.related:
        parts.append("<h3>Måske relevant</h3><ul>" + "".join(related_html(p) for p in answer.related) + "</ul>")
    if answer.warnings:
        parts.append("<ul>" + "".join(f"<li>{html.escape(w)}</li>" for w in answer.warnings) + "</ul>")
    return "".join(parts) or "<p>Ingen kilder til dette svar.</p>"


def type_label(doc_type: str) -> str:
    return DOC_TYPE_LABELS.get(doc_type, doc_type)
