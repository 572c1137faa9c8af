"""HTML for the chat: answers with clickable [n], their sources, and how the question was read.

Documents and questions may contain markup (a PDF can hold "<script>"); the
UI shows it as text. Every document or user text passes :func:`html.escape`
here; only the tags built in this module (<a>, <mark>, <details>, lists) are real.
The input is a saved turn (see :mod:`ui.conversations`), so a conversation
reopened from browser storage is rendered, and escaped, exactly like a new one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ishoj_assistant.models import DOC_TYPE_LABELS
from ui.viewer import viewer_href

SEARCHING = "Søger i dokumenterne …"
SNIPPET_CONTEXT = 120  # characters of the passage shown on each side of the quotes
_MARKER = re.compile(r"\[(\d+)\]")
_SENTENCE_END = re.compile(r"[.!?:](?=\s)|\n")

Record = Mapping[str, Any]


def text_html(text: str) -> str:
    """Plain text as HTML: escaped, line breaks kept."""
    return html.escape(text).replace("\n", "<br>")


def _source_link(source: Record, label: str, css_class: str, quote: str = "") -> str:
    href = viewer_href(source["doc_id"], int(source["page"]), quote, source["title"], source["file"])
    title = f"{source['title']}, side {int(source['page'])}"
    return (
        f'<a class="{css_class}" href="{html.escape(href)}" target="_blank" rel="noopener" '
        f'title="{html.escape(title)}">{html.escape(label)}</a>'
    )


def linked_answer(text: str, citations: Sequence[Record]) -> str:
    """The answer text escaped, each [n] a link that opens source n in the viewer."""
    by_n = {int(c["n"]): c for c in citations}
    parts, last = [], 0
    for match in _MARKER.finditer(text):
        citation = by_n.get(int(match.group(1)))
        parts.append(text_html(text[last : match.start()]))
        parts.append(_source_link(citation, match.group(0), "henvisning", citation["quote"]) if citation else html.escape(match.group(0)))
        last = match.end()
    parts.append(text_html(text[last:]))
    return "".join(parts)


def _window(passage: str, first: int, last: int) -> tuple[int, int]:
    """Up to SNIPPET_CONTEXT characters each side of [first, last), cut at a sentence boundary
    when there is one, else at a word boundary, so the excerpt never starts mid-word."""
    start = max(0, first - SNIPPET_CONTEXT)
    if start > 0:
        boundary = _SENTENCE_END.search(passage, start, first)
        space = passage.find(" ", start, first)
        start = boundary.end() if boundary else (space + 1 if space >= 0 else first)
        start += len(passage[start:first]) - len(passage[start:first].lstrip())
    end = min(len(passage), last + SNIPPET_CONTEXT)
    if end < len(passage):
        # a boundary right after the quote would leave only a dangling line break before the "…"
        sentence_ends = [m.start() + 1 for m in _SENTENCE_END.finditer(passage, last, end) if passage[last : m.start() + 1].strip()]
        space = passage.rfind(" ", last, end)
        end = sentence_ends[-1] if sentence_ends else (space if space >= 0 else last)
    return start, end


def snippet(passage: str, quotes: Sequence[str]) -> str:
    """A short excerpt around the quotes, each quote in <mark>; just the quotes when the passage lacks them."""
    spans = sorted((start, start + len(q)) for q in quotes if q and (start := passage.find(q)) >= 0)
    if not spans:
        return " … ".join(f"<mark>{html.escape(q)}</mark>" for q in quotes)
    start, end = _window(passage, spans[0][0], max(e for _, e in spans))
    out, cursor = ["… " if start > 0 else ""], start
    for span_start, span_end in spans:
        if span_start < cursor:  # overlapping quotes: the first mark covers both
            continue
        out += [html.escape(passage[cursor:span_start]), f"<mark>{html.escape(passage[span_start:span_end])}</mark>"]
        cursor = span_end
    out += [html.escape(passage[cursor:end]), " …" if end < len(passage) else ""]
    return "".join(out)


def _open_label(source: Record) -> str:
    return f"Åbn side {int(source['page'])}"


def _distinct_passages(citations: Sequence[Record]) -> list[list[Record]]:
    """Citations grouped by the passage they quote, in the order of their first number."""
    groups: dict[tuple[str, int, str], list[Record]] = {}
    for citation in citations:
        key = (citation["doc_id"], int(citation["page"]), citation.get("context") or citation["quote"])
        groups.setdefault(key, []).append(citation)
    return list(groups.values())


def _source_entry(group: Sequence[Record]) -> str:
    first = group[0]
    numbers = " ".join(f"[{int(c['n'])}]" for c in group)
    passage = first.get("context") or first["quote"]
    return (
        f'<li class="kilde" id="kilde-{int(first["n"])}"><span class="numre">{numbers}</span> '
        f"<strong>{html.escape(first['title'])}</strong>, side {int(first['page'])} &middot; "
        f"{_source_link(first, _open_label(first), 'aabn', first['quote'])}"
        f'<div class="passage">{snippet(passage, [c["quote"] for c in group])}</div></li>'
    )


def _related_entry(passage: Record) -> str:
    text = passage["text"]
    short = text[: 2 * SNIPPET_CONTEXT].rsplit(" ", 1)[0] + " …" if len(text) > 2 * SNIPPET_CONTEXT else text
    return (
        f"<li><strong>{html.escape(passage['title'])}</strong>, side {int(passage['page'])} &middot; "
        f"{_source_link(passage, _open_label(passage), 'aabn')}"
        f'<div class="passage">{html.escape(short)}</div></li>'
    )


def sources_html(turn: Record) -> str:
    """The answer's sources, collapsible: one entry per distinct passage, or the closest passages on a decline."""
    citations, related = turn.get("citations", []), turn.get("related", [])
    if citations:
        groups = _distinct_passages(citations)
        label = "1 kilde" if len(groups) == 1 else f"{len(groups)} kilder"
        items = "".join(_source_entry(g) for g in groups)
        return f'<details class="kilder" open><summary>{label}</summary><ol class="kildeliste">{items}</ol></details>'
    if related:
        items = "".join(_related_entry(p) for p in related)
        return f'<details class="kilder"><summary>Måske relevant ({len(related)})</summary><ul>{items}</ul></details>'
    return ""


def filters_label(filters: Record) -> str:
    """The active filters in words ("Dokumenttype: Strategi · År: 2023"), or '' when none is set."""
    parts = []
    if filters.get("doc_type"):
        parts.append(f"Dokumenttype: {DOC_TYPE_LABELS.get(filters['doc_type'], filters['doc_type'])}")
    if filters.get("year"):
        parts.append(f"År: {int(filters['year'])}")
    return " · ".join(parts)


def _notes(turn: Record) -> str:
    """How the question was read, the filters it was answered under, warnings and a filter hint."""
    notes = []
    resolved = turn.get("resolved_question")
    if resolved and resolved.strip() != turn["question"].strip():
        notes.append(f'<p class="forstaaet">Forstået som: »{html.escape(resolved)}«</p>')
    label = filters_label(turn.get("filters", {}))
    if label:
        notes.append(f'<p class="filtre">Filtre: {html.escape(label)}</p>')
    notes += [f'<p class="advarsel">{html.escape(w)}</p>' for w in turn.get("warnings", [])]
    if turn.get("filter_hint"):
        notes.append(f'<p class="filterhint">{html.escape(turn["filter_hint"])}</p>')
    return "".join(notes)


def answer_html(turn: Record) -> str:
    """One finished assistant message: linked answer, notes, then its sources."""
    body = linked_answer(turn["answer"], turn.get("citations", []))
    return f'<div class="svar">{body}</div>{_notes(turn)}{sources_html(turn)}'


def chat_messages(turns: Sequence[Record]) -> list[dict[str, str]]:
    """The Chatbot's messages for saved turns."""
    messages = []
    for turn in turns:
        messages += [
            {"role": "user", "content": text_html(turn["question"])},
            {"role": "assistant", "content": answer_html(turn)},
        ]
    return messages


def type_label(doc_type: str) -> str:
    return DOC_TYPE_LABELS.get(doc_type, doc_type)
