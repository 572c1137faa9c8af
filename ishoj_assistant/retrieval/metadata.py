"""Soft use of what the question pins down: the years and the kind of document it asks about.

A municipal archive repeats itself year after year (the same headings, new
figures), so a question "i 2020" must rank the 2020 note above its 2019 and
2021 copies. These are boosts on the fused score, never filters: a 2021
status note may be the one that reports on 2020. A comparison ("fra 2019 til
2021") gets the best passage of each asked year into the top k, where one exists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ishoj_assistant.models import Chunk, Passage
from ishoj_assistant.query import QueryAnalysis

_YEAR = re.compile(r"\b(?:19[89]\d|20\d\d)\b")


@dataclass(frozen=True)
class MetadataBoost:
    """Added to a passage's fused (RRF) score when its year or document type agrees with the question."""

    year: float = 0.0
    doc_type: float = 0.0


def chunk_years(chunk: Chunk) -> set[int]:
    """Years a chunk speaks of: its document's year and those written in its title, section and text."""
    years = {int(y) for y in _YEAR.findall(f"{chunk.title} {chunk.section} {chunk.text}")}
    return years | ({chunk.year} if chunk.year else set())


def boosted(passages: Sequence[Passage], analysis: QueryAnalysis, boost: MetadataBoost) -> list[Passage]:
    """The passages re-scored by agreement with the asked years and document types, best first."""
    if not (analysis.years and boost.year) and not (analysis.doc_types and boost.doc_type):
        return list(passages)

    def score(p: Passage) -> float:
        year_match = bool(analysis.years & chunk_years(p.chunk))
        type_match = p.chunk.doc_type in analysis.doc_types
        return p.score + boost.year * year_match + boost.doc_type * type_match

    return sorted((Passage(p.chunk, score(p)) for p in passages), key=lambda p: -p.score)


def covering_asked_years(
    passages: Sequence[Passage], pool: Sequence[Passage], analysis: QueryAnalysis, k: int
) -> list[Passage]:
    """For a comparison, every asked year with a passage in the top k where the pool has one.

    ``pool`` is the whole fused ranking, copies included: the other years'
    versions of a yearly note are near-copies of the best-ranked one. A
    year's best passage takes the place of the lowest-ranked one in the top k
    that no asked year needs; the order is otherwise kept.
    """
    if not analysis.comparison or len(analysis.years) < 2:
        return list(passages)
    top = list(passages[:k])
    chosen = {p.chunk.chunk_id for p in top}
    rest = [p for p in pool if p.chunk.chunk_id not in chosen]
    for year in sorted(analysis.years):
        if any(year in chunk_years(p.chunk) for p in top):
            continue
        found = next((p for p in rest if year in chunk_years(p.chunk)), None)
        spare = [i for i, p in enumerate(top) if not _needed(p, top, analysis.years)]
        if found is None or not spare:
            continue
        rest.remove(found)
        rest.insert(0, top.pop(spare[-1]))
        top.append(found)
    return top + rest


def _needed(passage: Passage, top: Sequence[Passage], years: frozenset[int]) -> bool:
    """The passage is the only one in the top holding some asked year."""
    own = years & chunk_years(passage.chunk)
    others = set().union(*(chunk_years(p.chunk) for p in top if p is not passage))
    return bool(own - others)
