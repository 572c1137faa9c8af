"""The chat's document-type and year filters, and the hint when they are why nothing was found.

A filter that leaves no answer looks like "the documents do not say", which
is wrong when another document does; so a declined, filtered question is
tried once more without filters, and the user is told when that finds an answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from ishoj_assistant.answering.assistant import Assistant
from ishoj_assistant.models import DocType, DocumentInfo, SearchFilters

ALL = "Alle"
TYPE_CODES = {t.label: t.value for t in DocType}
NO_DOCUMENTS = "Ingen dokumenter passer til de valgte filtre."
ANSWER_ELSEWHERE = "Filtrene udelukker svaret: uden filtre findes der et svar i dokumenterne."


def search_filters(type_choice: str | None, year_choice: str | None) -> SearchFilters | None:
    """The dropdowns' values as filters; None when both say 'Alle'."""
    year = int(year_choice) if year_choice and year_choice != ALL else None
    filters = SearchFilters(doc_type=TYPE_CODES.get(type_choice or ""), year=year)
    return None if filters.is_empty() else filters


def year_choices(documents: Sequence[DocumentInfo], type_choice: str | None) -> list[str]:
    """'Alle' and the years that documents of the chosen type have, newest first."""
    code = TYPE_CODES.get(type_choice or "")
    years = {str(d.year) for d in documents if d.year and (code is None or d.doc_type == code)}
    return [ALL, *sorted(years, reverse=True)]


def type_choices(documents: Sequence[DocumentInfo]) -> list[str]:
    """'Alle' and the document types present in the index."""
    present = {d.doc_type for d in documents}
    return [ALL, *(label for label, code in TYPE_CODES.items() if code in present)]


def filter_hint(
    assistant: Assistant, question: str, history: list[dict[str, str]], filters: SearchFilters | None,
    documents: Sequence[DocumentInfo], declined: bool,
) -> str:
    """Why a filtered question got no answer, when the filter is the reason; '' otherwise."""
    if not declined or filters is None:
        return ""
    if not any(filters.doc_type in (None, d.doc_type) and filters.year in (None, d.year) for d in documents):
        return NO_DOCUMENTS
    unfiltered = assistant.answer(question, history, "answer", None)
    return "" if unfiltered.declined else ANSWER_ELSEWHERE
