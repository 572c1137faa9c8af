"""The scale benchmark's distractor generator keeps the promises docs/scale.md makes about it."""

from __future__ import annotations

import random

import numpy as np
import pytest

from benchmarks.scale import embed_units_in_top
from benchmarks.synthetic_corpus import DISTRACTOR_PREFIX, RewordedSentences, generate, without_varied
from ishoj_assistant.answering.features import unit_texts
from ishoj_assistant.context import AppContext
from tests.conftest import SHIPPED_CORPUS

# Sentences that share two-word contexts ("flere borgere", "i eget hjem", "og de"), as a real corpus does.
CORPUS = [
    "Flere borgere får træning i eget hjem og de pårørende inddrages i forløbet.",
    "Flere borgere er fysisk aktive og de oplever et godt mentalt helbred.",
    "Ældre med demens får træning i eget hjem og de bliver mere selvhjulpne.",
    "Flere borgere oplever et godt mentalt helbred og de deltager i fællesskaber.",
    "Medarbejderne giver træning i eget hjem og de følger op efter tre måneder.",
    "Ensomme ældre deltager i fællesskaber og de får et bedre hverdagsliv.",
    "Borgere med demens bliver mere selvhjulpne og de pårørende får støtte.",
    "Flere borgere følger op på træningen og de bliver mere selvhjulpne.",
]


def _runs(words: list[str], length: int) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + length]) for i in range(len(words) - length + 1)}


def test_reworded_sentences_never_repeat_six_words_of_a_real_sentence() -> None:
    chain = RewordedSentences(CORPUS)
    real_runs = set().union(*(_runs(s.split(), RewordedSentences.RUN) for s in CORPUS))
    vocabulary = {w for s in CORPUS for w in s.split()}
    rng = random.Random(3)
    sentences = [chain.sentence(rng) for _ in range(40)]
    assert all(len(s.split()) >= 5 for s in sentences)
    assert not any(_runs(s.split(), RewordedSentences.RUN) & real_runs for s in sentences)
    assert all(set(s.split()) <= vocabulary for s in sentences)  # the corpus's own words, re-ordered
    assert len(set(sentences)) > 1


def test_a_corpus_too_small_to_reword_is_refused_rather_than_looped_on() -> None:
    chain = RewordedSentences(["Kun denne ene sætning kan kæden skrive om."])
    with pytest.raises(ValueError, match="too small"):
        chain.sentence(random.Random(1))


def test_reworded_text_reaches_the_asked_length() -> None:
    text = RewordedSentences(CORPUS).text_of(60, random.Random(5))
    assert sum(len(s.split()) for s in text) >= 60


def test_a_varied_copy_and_its_original_agree_once_names_and_numbers_are_masked() -> None:
    original = "I Ishøj blev 45 borgere udredt i 2019 på Kærbo."
    copy = "I Køge blev 51 borgere udredt i 2024 på Lundebo."
    assert without_varied(original) == without_varied(copy)
    assert without_varied(original) != without_varied("I Ishøj blev 45 borgere visiteret i 2019 på Kærbo.")


def test_copies_of_a_template_get_close_but_distinct_vectors(corpus_context) -> None:
    """Identical vectors cut Chroma's HNSW graph at scale; real copies' embeddings differ a little."""
    documents = list(generate(list(corpus_context.store.iter_chunks()), 100, corpus_context.embedder))
    vectors = np.concatenate([d.vectors for d in documents])
    assert len(vectors) == 100
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -1.0)
    assert similarity.max() < 0.999  # no two copies share a vector
    assert (similarity.max(axis=1) > 0.98).all()  # yet each has a sibling copy of the same template


def test_distractors_in_a_questions_top_ten_get_their_units_embedded_as_ingest_embeds_a_real_chunks(context: AppContext) -> None:
    """Without units a distractor in the top ten switches the closest-sentence re-ordering off, unlike in an archive."""
    context.indexer().ingest([SHIPPED_CORPUS / "vaerdighedsmilliarden-status-2019.pdf"])
    for document in generate(list(context.store.iter_chunks()), 60, context.embedder):
        context.store.put_document(document.info, document.chunks, document.vectors)
    query = "Hvor mange borgere blev udredt i kontinensklinikken?"
    top = [p.chunk for p in context.retriever.search(query, 10)]
    distractors = [c for c in top if c.doc_id.startswith(DISTRACTOR_PREFIX)]
    assert distractors and all(context.embedder.cached_passages(unit_texts(c)) is None for c in distractors)
    assert all(context.embedder.cached_passages(unit_texts(c)) is not None for c in top if c not in distractors)

    assert embed_units_in_top(context, [query]) == len(distractors)
    assert all(context.embedder.cached_passages(unit_texts(c)) is not None for c in top)
    assert embed_units_in_top(context, [query]) == 0  # embedded once
