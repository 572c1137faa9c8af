"""A large synthetic Danish corpus of distractor documents for the scale benchmark.

Distractors are assembled from the shipped documents' own sentences with
names, numbers and years varied, so keyword statistics look like a real
municipality's archive (same vocabulary, many near-duplicates). Embedding
100,000 chunks with e5-small would take hours on 2 cores, so distractor
vectors are synthetic: each is a random convex mix of the real vectors of
2-3 shipped chunks plus noise, normalised. That keeps them in the same
region of the vector space as the real documents (hard distractors), unlike
uniform random vectors that no query would ever match.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from ishoj_assistant.models import Chunk, DocumentInfo
from ishoj_assistant.sentences import split_sentences

PLACES = ["Vallensbæk", "Brøndby", "Albertslund", "Greve", "Hvidovre", "Glostrup", "Køge", "Solrød", "Tåstrup"]
CENTRES = ["Strandhaven", "Lundebo", "Birkely", "Engbo", "Søholm", "Toftegården", "Kildevang"]
DOC_TYPES = ["status", "ansoegning", "strategi", "andet"]
CHUNKS_PER_DOCUMENT = 20


@dataclass
class SyntheticDocument:
    info: DocumentInfo
    chunks: list[Chunk]
    vectors: np.ndarray


def _vary(sentence: str, rng: random.Random) -> str:
    sentence = re.sub(r"\bIshøj\b", lambda _: rng.choice(PLACES), sentence)
    sentence = re.sub(r"\b(Kærbo|Torsbo|Egely)\b", lambda _: rng.choice(CENTRES), sentence)
    sentence = re.sub(r"\b(19|20)\d\d\b", lambda _: str(rng.randint(2005, 2030)), sentence)
    return re.sub(r"\b\d{1,3}\b", lambda m: str(max(1, int(m.group()) + rng.randint(-9, 9))), sentence)


def generate(
    seed_chunks: list[Chunk], seed_vectors: np.ndarray, n_chunks: int, seed: int = 7
) -> Iterator[SyntheticDocument]:
    """Yield distractor documents until ``n_chunks`` chunks have been produced."""
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    sentences = [s for c in seed_chunks for s in split_sentences(c.text) if len(s.split()) >= 5]
    produced = 0
    doc_number = 0
    while produced < n_chunks:
        doc_number += 1
        doc_id = f"syntetisk-{doc_number:06d}"
        year = rng.randint(2005, 2030)
        doc_type = rng.choice(DOC_TYPES)
        version = f"s{doc_number:06d}"
        title = f"{rng.choice(['Status', 'Notat', 'Ansøgning', 'Strategi', 'Referat'])} {rng.choice(PLACES)} {year}"
        count = min(CHUNKS_PER_DOCUMENT, n_chunks - produced)
        chunks, vectors = [], []
        for index in range(count):
            text = " ".join(_vary(rng.choice(sentences), rng) for _ in range(rng.randint(8, 12)))
            chunks.append(
                Chunk(
                    chunk_id=f"{doc_id}:{version}:{index:04d}", doc_id=doc_id, doc_version=version, text=text,
                    file=f"{doc_id}.pdf", title=title, doc_type=doc_type, year=year, page_start=index // 2 + 1,
                    page_end=index // 2 + 1, section="Status", char_start=0, char_end=len(text), chunk_index=index,
                )
            )
            parents = np_rng.choice(len(seed_vectors), size=rng.randint(2, 3), replace=False)
            weights = np_rng.dirichlet(np.ones(len(parents)))
            vector = weights @ seed_vectors[parents] + np_rng.normal(0, 0.02, seed_vectors.shape[1])
            vectors.append(vector / np.linalg.norm(vector))
        info = DocumentInfo(doc_id, title, f"{doc_id}.pdf", doc_type, year, count // 2 + 1, count, version)
        produced += count
        yield SyntheticDocument(info, chunks, np.asarray(vectors, dtype=np.float32))
