"""A large synthetic Danish corpus of distractor documents for the scale benchmark.

Distractors are assembled from the shipped documents' own sentences with
names, numbers and years varied, so keyword statistics look like a real
municipality's archive (same vocabulary, many near-duplicates).

Embedding 100,000 chunks with e5-small would take hours on 2 cores, so the
distractors are varied copies of a smaller set of *templates*: random runs of
8-12 corpus sentences, each template really embedded once (through the
project's embedding cache). Every copy of a template gets the template's real
vector; copies differ from it only in the varied names, numbers and years,
which move an e5 vector little (docs/scale.md measures how little).

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


@dataclass
class SyntheticDocument:
    info: DocumentInfo
    chunks: list[Chunk]
    vectors: np.ndarray  # per chunk: its template's real embedding


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


def _templates(seed_chunks: list[Chunk], count: int, rng: random.Random) -> list[tuple[str, list[str]]]:
    """``count`` (title, sentences) templates drawn from the seed chunks' sentences."""
    sentences = [s for c in seed_chunks for s in split_sentences(c.text) if len(s.split()) >= 5]
    return [
        (_title(rng, rng.randint(2005, 2030)), [rng.choice(sentences) for _ in range(rng.randint(8, 12))])
        for _ in range(count)
    ]


def generate(seed_chunks: list[Chunk], n_chunks: int, embedder: Embedder, seed: int = 7) -> Iterator[SyntheticDocument]:
    """Yield distractor documents until ``n_chunks`` chunks have been produced.

    The templates (one per ``COPIES_PER_TEMPLATE`` chunks) are embedded first,
    in the same embedding-text form ingest uses for real chunks.
    """
    rng = random.Random(seed)
    templates = _templates(seed_chunks, math.ceil(n_chunks / COPIES_PER_TEMPLATE), rng)
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
        yield SyntheticDocument(info, chunks, vectors[picked])
