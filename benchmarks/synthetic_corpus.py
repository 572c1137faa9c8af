"""A large synthetic Danish corpus of distractor documents for the scale benchmark.

Distractors are assembled from the shipped documents' own sentences with
names, numbers and years varied, so keyword statistics look like a real
municipality's archive (same vocabulary, many near-duplicates). Built that
way, each needle's sentences stand word for word in thousands of
distractors, which no real archive does; the *reworded* kind replaces them
with new sentences written by a word chain over the same corpus. Both are
harder than a real archive, whose other documents mostly use other words.

Embedding 100,000 chunks with e5-small would take hours on 2 cores, so the
distractors are varied copies of a smaller set of *templates*: random runs of
8-12 corpus sentences, each template really embedded once (through the
project's embedding cache). Every copy of a template gets the template's real
vector moved a little in a random direction (``COPY_COSINE``); copies differ
from the template only in the varied names, numbers and years, which move an
e5 vector little (docs/scale.md measures how little).

Two earlier approximations were dropped because they were biased, not just
noisy: random mixes of real chunk vectors gave each real chunk thousands of
artificial near-twins, and the normalised mean of a chunk's sentence vectors
sits closer to every question than a real embedding of the whole chunk does
(mean cosine to the dev questions 0.88 against 0.84), so the dense signal
ranked every distractor above every real chunk.
"""

from __future__ import annotations

import math
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from ishoj_assistant.embedding import Embedder
from ishoj_assistant.models import Chunk, DocumentInfo
from ishoj_assistant.sentences import split_sentences

PLACES = ["Vallensbæk", "Brøndby", "Albertslund", "Greve", "Hvidovre", "Glostrup", "Køge", "Solrød", "Tåstrup"]
CENTRES = ["Strandhaven", "Lundebo", "Birkely", "Engbo", "Søholm", "Toftegården", "Kildevang"]
DOC_TYPES = ["status", "ansoegning", "strategi", "andet"]
DOC_KINDS = ["Status", "Notat", "Ansøgning", "Strategi", "Referat"]
SECTION = "Status"
CHUNKS_PER_DOCUMENT = 20
DISTRACTOR_PREFIX = "syntetisk-"
COPIES_PER_TEMPLATE = 50
MIN_SENTENCE_WORDS = 5
# Cosine between a copy's vector and its template's. Really embedding copies
# gives the dev questions a mean cosine 0.25-0.4 % lower to the copies than to
# the template (docs/scale.md, the bias check); 0.997 reproduces that drop.
COPY_COSINE = 0.997


@dataclass
class SyntheticDocument:
    info: DocumentInfo
    chunks: list[Chunk]
    vectors: np.ndarray  # per chunk: its template's real embedding, moved to COPY_COSINE


def _copy_vectors(template_vectors: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each template vector moved in a random direction to cosine ``COPY_COSINE``.

    Real embeddings of a template's varied copies differ a little from each
    other and from the template. Identical vectors do not: 50 of them fill an
    HNSW node's neighbour list with its own copies, and at 100,000 chunks
    Chroma's graph no longer reached real chunks that exact search ranks first.
    """
    units = template_vectors / np.linalg.norm(template_vectors, axis=1, keepdims=True)
    noise = rng.standard_normal(units.shape).astype(np.float32)
    noise -= np.sum(noise * units, axis=1, keepdims=True) * units  # orthogonal to the template
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    return COPY_COSINE * units + math.sqrt(1 - COPY_COSINE**2) * noise


HOME = "Ishøj"
HOME_CENTRES = ["Kærbo", "Torsbo", "Egely"]
_NAMES = re.compile(r"\b(" + "|".join([HOME, *HOME_CENTRES, *PLACES, *CENTRES]) + r")\b")


def _vary(sentence: str, rng: random.Random) -> str:
    sentence = re.sub(rf"\b{HOME}\b", lambda _: rng.choice(PLACES), sentence)
    sentence = re.sub(r"\b(" + "|".join(HOME_CENTRES) + r")\b", lambda _: rng.choice(CENTRES), sentence)
    sentence = re.sub(r"\b(19|20)\d\d\b", lambda _: str(rng.randint(2005, 2030)), sentence)
    return re.sub(r"\b\d{1,3}\b", lambda m: str(max(1, int(m.group()) + rng.randint(-9, 9))), sentence)


def without_varied(text: str) -> str:
    """``text`` with every name and number masked: what a varied copy shares with its original.

    Lets the benchmark tell whether a distractor holds a real passage's
    sentence, whatever names, numbers and years the copy was given.
    """
    return re.sub(r"\d+", "#", _NAMES.sub("·", text))


def _title(rng: random.Random, year: int) -> str:
    return f"{rng.choice(DOC_KINDS)} {rng.choice(PLACES)} {year}"


class RewordedSentences:
    """New sentences in the corpus's own words, none of them a corpus sentence.

    An order-2 word chain over the corpus sentences writes locally fluent
    Danish; a sentence sharing ``RUN`` consecutive words with any corpus
    sentence is thrown away and another is drawn. Distractors made of these
    share the real documents' vocabulary, style and topics but do not carry
    their sentences word for word, as the other documents of a real archive
    would not (only an LLM could reword properly, and none runs here).
    """

    ORDER = 2
    RUN = 6
    MAX_WORDS = 40
    MAX_ATTEMPTS = 10_000  # about one walk in five is new enough on the shipped corpus
    _START, _END = "\x02", "\x03"

    def __init__(self, sentences: list[str]):
        self._next: dict[tuple[str, ...], list[str]] = defaultdict(list)
        self._runs: set[tuple[str, ...]] = set()
        for sentence in sentences:
            words = sentence.split()
            padded = [self._START] * self.ORDER + words + [self._END]
            for end in range(self.ORDER, len(padded)):
                self._next[tuple(padded[end - self.ORDER:end])].append(padded[end])
            self._runs.update(self._windows(words))

    def _windows(self, words: list[str]) -> Iterator[tuple[str, ...]]:
        return (tuple(words[i:i + self.RUN]) for i in range(len(words) - self.RUN + 1))

    def _walk(self, rng: random.Random) -> list[str]:
        context, words = (self._START,) * self.ORDER, []
        while len(words) < self.MAX_WORDS:
            word = rng.choice(self._next[context])
            if word == self._END:
                break
            words.append(word)
            context = (*context[1:], word)
        return words

    def sentence(self, rng: random.Random) -> str:
        for _ in range(self.MAX_ATTEMPTS):
            words = self._walk(rng)
            if len(words) >= MIN_SENTENCE_WORDS and not any(w in self._runs for w in self._windows(words)):
                return " ".join(words)
        raise ValueError(f"no new sentence in {self.MAX_ATTEMPTS} attempts: the corpus is too small to reword")

    def text_of(self, n_words: int, rng: random.Random) -> list[str]:
        """New sentences adding up to at least ``n_words`` words."""
        sentences: list[str] = []
        while sum(len(s.split()) for s in sentences) < n_words:
            sentences.append(self.sentence(rng))
        return sentences


def _templates(
    seed_chunks: list[Chunk], count: int, rng: random.Random, reworded: bool
) -> list[tuple[str, list[str]]]:
    """``count`` (title, sentences) templates: runs of 8-12 of the seed chunks' sentences.

    Reworded templates have new sentences of the same total length instead,
    so both kinds of distractor are alike to bm25's length normalisation.
    """
    sentences = [s for c in seed_chunks for s in split_sentences(c.text) if len(s.split()) >= MIN_SENTENCE_WORDS]
    chain = RewordedSentences(sentences) if reworded else None
    templates = []
    for _ in range(count):
        title = _title(rng, rng.randint(2005, 2030))
        picked = [rng.choice(sentences) for _ in range(rng.randint(8, 12))]
        if chain:
            picked = chain.text_of(sum(len(s.split()) for s in picked), rng)
        templates.append((title, picked))
    return templates


def generate(
    seed_chunks: list[Chunk], n_chunks: int, embedder: Embedder, reworded: bool = False, seed: int = 7
) -> Iterator[SyntheticDocument]:
    """Yield distractor documents until ``n_chunks`` chunks have been produced.

    ``reworded``: templates of new sentences (:class:`RewordedSentences`)
    rather than of the corpus's own. The templates (one per
    ``COPIES_PER_TEMPLATE`` chunks) are embedded first, in the same
    embedding-text form ingest uses for real chunks.
    """
    rng = random.Random(seed)
    jitter = np.random.default_rng(seed)
    templates = _templates(seed_chunks, math.ceil(n_chunks / COPIES_PER_TEMPLATE), rng, reworded)
    vectors = np.asarray(
        embedder.embed_passages([f"{title}. {SECTION}.\n{' '.join(sentences)}" for title, sentences in templates]),
        dtype=np.float32,
    )
    produced = 0
    doc_number = 0
    while produced < n_chunks:
        doc_number += 1
        doc_id = f"{DISTRACTOR_PREFIX}{doc_number:06d}"
        year = rng.randint(2005, 2030)
        doc_type = rng.choice(DOC_TYPES)
        version = f"s{doc_number:06d}"
        title = _title(rng, year)
        count = min(CHUNKS_PER_DOCUMENT, n_chunks - produced)
        chunks, picked = [], []
        for index in range(count):
            template = rng.randrange(len(templates))
            text = " ".join(_vary(sentence, rng) for sentence in templates[template][1])
            chunks.append(Chunk(
                chunk_id=f"{doc_id}:{version}:{index:04d}", doc_id=doc_id, doc_version=version, text=text,
                file=f"{doc_id}.pdf", title=title, doc_type=doc_type, year=year, page_start=index // 2 + 1,
                page_end=index // 2 + 1, section=SECTION, char_start=0, char_end=len(text), chunk_index=index,
            ))
            picked.append(template)
        info = DocumentInfo(doc_id, title, f"{doc_id}.pdf", doc_type, year, count // 2 + 1, count, version)
        produced += count
        yield SyntheticDocument(info, chunks, _copy_vectors(vectors[picked], jitter))
