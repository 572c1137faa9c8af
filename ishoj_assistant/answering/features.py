"""The features a fitted ranker weighs to choose answer units.

Each unit (a sentence or list item of a retrieved passage) is described by a
few general signals, none of them written for a particular question:

- how close it is in meaning to the question (e5, on the unit and on the
  heading it stands under), since paraphrases share no words;
- how much of the question's distinctive vocabulary it and its context cover;
- how highly retrieval ranked its passage;
- whether it holds the kind of content asked for (a count, an amount, a date,
  a reason, a list item);
- whether the years the question asks about agree with the unit, its heading
  and its document, or clash with them (a yearly note's copy for another year).

Which units may be quoted at all is decided here too (:func:`quotable`):
headings, form prompts, unticked options, reference lines and fragments are
context, never an answer.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from collections.abc import Sequence

import numpy as np

from ishoj_assistant.answering.candidates import SIGNPOST, Candidate, Kind, candidates
from ishoj_assistant.answering.scoring import Scorer, counts
from ishoj_assistant.answering.matching import TermSet
from ishoj_assistant.danish import words
from ishoj_assistant.embedding import Embedder
from ishoj_assistant.models import Chunk, Passage
from ishoj_assistant.query import QueryAnalysis

FEATURES: tuple[str, ...] = (
    "dense",
    "dense_typed",
    "dense_heading",
    "coverage",
    "typed_coverage",
    "repeats_conversation",
    "context_coverage",
    "passage_topic",
    "heading_coverage",
    "passage_rank",
    "typed_match",
    "list_match",
    "count_match",
    "figure_beside_term",
    "year_match",
    "year_clash",
    "doc_type_match",
    "restates",
    "log_words",
)

_YEAR = re.compile(r"\b(?:19[89]\d|20\d\d)\b")
# Reference lines and page furniture: "Kilde: ...", "Side 3 af 8", a bare link, a footnote ("**) Delrapport ...").
_FURNITURE = re.compile(
    r"^\s*(?:kilde|kilder|note|fodnote|side \d+|www\.|https?:|\))|\bside \d+ af \d+\b|\*+\)", re.IGNORECASE
)
# A statement has a word: a unit without two letters in a row is a number, a mark or a section number ("2a.").
_WORD = re.compile(r"[^\W\d_]{2}")
# A line that goes on in lower case on the next one was broken by the layout, not ended.
_WRAPPED = re.compile(r"\n[a-zæøå]")
_CLOSING = ".!?:;)\"”»"
# A unit shorter than this, without a number, says too little to stand alone.
_MIN_WORDS = 4


def points_elsewhere(candidate: Candidate) -> bool:
    """The unit points to other parts of the document or says what the document is ("I dette skriv
    gennemgås …:", "Nedenfor beskrives …")."""
    return bool(SIGNPOST.match(candidate.text))


def quotable(candidate: Candidate) -> bool:
    """Whether a unit may be quoted as an answer: a whole statement, not context or furniture."""
    text = candidate.text.strip()
    if not candidate.is_statement or not _WORD.search(text) or _FURNITURE.search(text) or points_elsewhere(candidate):
        return False
    if candidate.key == _title_key(candidate.passage.title):  # the title page's title
        return False
    n_words = len(text.split())
    if n_words < _MIN_WORDS and candidate.kind is not Kind.ITEM and not re.search(r"\d", text):
        return False  # a list item may be one word ("Sundhedspolitikken"); a sentence may not
    # A cut-off fragment: a prose sentence that starts in lower case continues a sentence of another chunk.
    if candidate.kind is Kind.PROSE and text[0].islower() and candidate.start == 0:
        return False
    # A line the layout broke mid-sentence ("4. Andre initiativer, som … men som kommunen" / "ønsker at …").
    return not _WRAPPED.match(candidate.passage.text, candidate.end) or text[-1] in _CLOSING


@lru_cache(maxsize=256)
def _title_key(title: str) -> str:
    """A document title's words, compared like a unit's key (documents are few, units many)."""
    return " ".join(words(title))


def _years_in(text: str) -> set[int]:
    return {int(y) for y in _YEAR.findall(text)}


def unit_years(candidate: Candidate) -> set[int]:
    """Years written in the unit or in the heading it stands under."""
    return _years_in(candidate.text) | _years_in(candidate.heading_text)


def effective_years(candidate: Candidate, pool: Sequence[Candidate]) -> set[int]:
    """The years a unit's claim is about: its own written years, else those of the nearest sentence before it
    under the same heading that writes one, else its heading's, else its document's.

    A 2022 follow-up note that reports "6 motionskurser i 2021" speaks of 2021,
    not of the year on its cover, and so does the next sentence, "Tre måneder
    efter kurset trænede 70 % stadig", which goes on about those courses.
    """
    own = _years_in(candidate.text)
    if own:
        return own
    told = max(
        (
            c for c in pool
            if c.block == candidate.block and c.end <= candidate.start and c.kind is not Kind.HEADING and _YEAR.search(c.text)
        ),
        key=lambda c: c.start,
        default=None,
    )
    if told is not None:
        return _years_in(told.text)
    heading = _years_in(candidate.heading_text)
    if heading:
        return heading
    return {candidate.passage.chunk.year} if candidate.passage.chunk.year else set()


def unit_texts(chunk: Chunk) -> list[str]:
    """Every text :func:`feature_matrix` embeds for a chunk's units: their own text and their headings'."""
    pool = candidates([Passage(chunk, 0.0)])
    return list(dict.fromkeys([*(c.text for c in pool), *(heading_of(c) for c in pool)]))


def heading_of(candidate: Candidate) -> str:
    """The text a unit's heading similarity is computed on: its heading, else its document title."""
    return candidate.heading_text or candidate.passage.title


def _share_in(stems: frozenset[str], said: frozenset[str]) -> float:
    return len(stems & said) / len(stems) if stems else 0.0


def _cosines(query_vector: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    return vectors @ query_vector if len(vectors) else np.zeros(0, np.float32)


def feature_matrix(
    analysis: QueryAnalysis,
    pool: Sequence[Candidate],
    scorer: Scorer,
    embedder: Embedder,
    query_vector: np.ndarray,
    typed_vector: np.ndarray,
) -> np.ndarray:
    """One row of :data:`FEATURES` per unit of the pool.

    ``typed_vector`` embeds what the user typed; for a follow-up it differs
    from ``query_vector`` (the question joined with the conversation's topic),
    and the follow-up's own words say what is new.
    """
    if not pool:
        return np.zeros((0, len(FEATURES)), np.float32)
    unit_vectors = embedder.embed_passages([c.text for c in pool])
    headings = sorted({heading_of(c) for c in pool})
    heading_vectors = dict(zip(headings, embedder.embed_passages(headings)))
    dense = _cosines(query_vector, unit_vectors)
    dense_typed = _cosines(typed_vector, unit_vectors)
    said = TermSet.of(analysis.said).stems
    parts = analysis.profile.parts
    rows = []
    for i, c in enumerate(pool):
        heading_vector = heading_vectors[heading_of(c)]
        years = unit_years(c)
        doc_year = c.passage.chunk.year
        wanted = analysis.years
        matched = bool(wanted & (years | ({doc_year} if doc_year else set())))
        clash = bool(wanted) and bool(years) and not (wanted & years) and doc_year not in wanted
        rows.append((
            float(dense[i]),
            float(dense_typed[i]),
            float(heading_vector @ query_vector),
            scorer.coverage(c),
            scorer.focus_coverage(c),
            _share_in(c.terms.stems, said),
            scorer.topic_coverage(c),
            scorer.passage_topic_coverage(c),
            max((scorer.heading_coverage(c, p) for p in parts), default=0.0),
            1.0 / (1.0 + c.rank),
            float(any(p.typed and scorer.satisfies(c, p) for p in parts)),
            float(analysis.profile.wants_list and (c.is_list_item or c.kind is Kind.LEAD_IN)),
            float(any(p.wants_number or p.wants_result for p in parts) and bool(counts(c.text, scorer.asked_numbers))),
            float(any(p.wants_number or p.wants_amount or p.wants_measure for p in parts) and scorer.figure_beside_term(c)),
            float(matched),
            float(clash),
            float(bool(analysis.doc_types) and c.passage.chunk.doc_type in analysis.doc_types),
            float(scorer.restates_question(c)),
            math.log1p(len(c.text.split())),
        ))
    return np.asarray(rows, dtype=np.float32)
