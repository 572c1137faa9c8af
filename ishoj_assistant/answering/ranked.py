"""The extractive answerer: retrieved passages -> units -> fitted ranker -> composed, cited answer.

Split in two steps so the fitting command can prepare every question once
and try rankers and compositions on the prepared units
(:mod:`ishoj_assistant.evaluation.fitting`), with the same code the service runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from ishoj_assistant.answering.base import AnswerRequest, stream_whole
from ishoj_assistant.answering.candidates import Candidate, candidates
from ishoj_assistant.answering.composer import compose
from ishoj_assistant.answering.config import AnswerConfig
from ishoj_assistant.answering.features import feature_matrix
from ishoj_assistant.answering.matching import question_terms
from ishoj_assistant.answering.ranker import UnitRanker
from ishoj_assistant.answering.scoring import PassageTerms, Scorer, missing_anchor, passage_vocabulary
from ishoj_assistant.embedding import Embedder
from ishoj_assistant.models import Answer, Passage
from ishoj_assistant.query import QueryAnalysis, part_analyses


@dataclass
class PreparedUnits:
    """A question's units with their features, ready to be ranked."""

    analysis: QueryAnalysis
    passages: list[Passage]
    pool: list[Candidate]
    matrix: np.ndarray
    part_matrices: list[np.ndarray]  # one per part of a question that asks several things
    anchor_missing: bool = False  # the question's most specific term is in none of the passages
    unmentioned: float = 0.0  # share of the question's terms the passages never mention
    passage_terms: PassageTerms | None = None  # the question's topic terms each passage mentions


def prepare_units(
    analysis: QueryAnalysis,
    passages: list[Passage],
    embedder: Embedder,
    config: AnswerConfig,
    rarity: Mapping[str, float] | None = None,
) -> PreparedUnits:
    """Cut the passages into units and describe each by the ranker's features."""
    pool = candidates(passages)
    if not pool or not analysis.profile.terms:
        return PreparedUnits(analysis, passages, pool, np.zeros((len(pool), 0), np.float32), [])
    vocabulary = passage_vocabulary(analysis.text, passages)
    anchor_missing = missing_anchor(analysis.text, passages, vocabulary) is not None
    query_vector = embedder.embed_query(analysis.text)
    memo: dict = {}  # type: ignore[type-arg]  # compound matches, shared by the parts' scorers

    def scorer_for(part: QueryAnalysis) -> Scorer:
        return Scorer(part.profile, pool, vocabulary, config, rarity, part.topic, memo)

    def features_for(part: QueryAnalysis, scorer: Scorer) -> np.ndarray:
        typed_vector = embedder.embed_query(part.typed) if part.is_follow_up else query_vector
        return feature_matrix(part, pool, scorer, embedder, query_vector, typed_vector)

    whole = scorer_for(analysis)
    parts = [features_for(part, scorer_for(part)) for part in part_analyses(analysis)]
    return PreparedUnits(
        analysis, passages, pool, features_for(analysis, whole), parts, anchor_missing, whole.unmentioned_share(),
        whole.passage_terms(),
    )


RarityOf = Callable[[Iterable[str]], dict[str, float]]


def term_rarity_for(analysis: QueryAnalysis, rarity_of: RarityOf) -> dict[str, float]:
    """Index-wide rarity of the question's stems (the retriever's ``term_rarity``)."""
    return rarity_of(t.stem for t in question_terms(analysis.text))


def ranked_answer(prepared: PreparedUnits, ranker: UnitRanker, related_count: int) -> Answer:
    """The composed answer, or a decline offering the closest passages."""
    related = prepared.passages[:related_count]
    if prepared.matrix.shape[1] == 0:
        return compose(prepared.analysis, [], np.zeros(0), ranker.composition, related)
    probabilities = ranker.probabilities(prepared.matrix)
    per_part = [ranker.probabilities(m) for m in prepared.part_matrices]
    return compose(
        prepared.analysis, prepared.pool, probabilities, ranker.composition, related, prepared.matrix, per_part,
        prepared.anchor_missing, prepared.unmentioned, prepared.passage_terms,
    )


class ExtractiveAnswerer:
    """The default answerer: verbatim units chosen by the fitted ranker, each cited."""

    def __init__(self, embedder: Embedder, config: AnswerConfig, rarity_of: RarityOf, ranker: UnitRanker | None = None):
        self.embedder = embedder
        self.config = config
        self.rarity_of = rarity_of
        self._ranker = ranker

    @property
    def ranker(self) -> UnitRanker:
        """The fitted ranker, read on first use (so the fitting command can run before one exists)."""
        if self._ranker is None:
            self._ranker = UnitRanker.load(self.config.ranker_file)
        return self._ranker

    def prepare(self, analysis: QueryAnalysis, passages: list[Passage]) -> PreparedUnits:
        return prepare_units(analysis, passages, self.embedder, self.config, term_rarity_for(analysis, self.rarity_of))

    def answer(self, request: AnswerRequest) -> Answer:
        return ranked_answer(self.prepare(request.analysis, request.passages), self.ranker, self.config.related)

    def stream(self, request: AnswerRequest) -> Iterator[str | Answer]:
        yield from stream_whole(self.answer(request))
