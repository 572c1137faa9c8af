"""A large synthetic Danish corpus of distractor documents for the scale benchmark.

Distractors are assembled from the shipped documents' own sentences with
names, numbers and years varied, so keyword statistics look like a real
municipality's archive (same vocabulary, many near-duplicates).

Embedding 100,000 chunks with e5-small would take hours on 2 cores, so a
distractor's vector is approximated from real embeddings of its parts: each
distinct source sentence and each title/section line is embedded once with
the real (cached) embedder, and a chunk's vector is the normalised mean of
its parts' vectors. Vector and text therefore agree, and two distractors are
as close in vector space as their texts are alike. The earlier approach
(random mixes of 2-3 real chunk vectors plus noise) gave every real chunk
thousands of synthetic near-twins that no embedder would produce from the
distractors' texts. How close the approximation is to really embedding the
text is measured by ``benchmarks/scale.py`` and reported in docs/scale.md.
"""

from __future__ import annotations

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
CHUNKS_PER_DOCUMENT = 20


@dataclass
class SyntheticDocument:
    info: DocumentInfo
    chunks: list[Chunk]
    parts: list[list[str]]  # per chunk: its heading line and the source sentences its text was varied from


def heading(chunk: Chunk) -> str:
    """The title/section line ingest.pipeline.embedding_text puts before a chunk's text."""
    return f"{chunk.title}. {chunk.section}."


def real_parts(chunk: Chunk) -> list[str]:
    """A real chunk's parts, for checking the mean-of-parts approximation on real text."""
    return [heading(chunk), *split_sentences(chunk.text)]


class PartVectors:
    """Real embeddings of text parts (each embedded once) and chunk vectors approximated from them."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}

    def chunk_vectors(self, parts_per_chunk: list[list[str]]) -> np.ndarray:
        """Per chunk, the normalised mean of its parts' real vectors."""
        missing = sorted({part for parts in parts_per_chunk for part in parts} - self._vectors.keys())
        if missing:
            self._vectors.update(zip(missing, self.embedder.embed_passages(missing)))
        means = np.array([np.mean([self._vectors[p] for p in parts], axis=0) for parts in parts_per_chunk])
        return (means / np.linalg.norm(means, axis=1, keepdims=True)).astype(np.float32)


def _vary(sentence: str, rng: random.Random) -> str:
    sentence = re.sub(r"\bIshøj\b", lambda _: rng.choice(PLACES), sentence)
    sentence = re.sub(r"\b(Kærbo|Torsbo|Egely)\b", lambda _: rng.choice(CENTRES), sentence)
    sentence = re.sub(r"\b(19|20)\d\d\b", lambda _: str(rng.randint(2005, 2030)), sentence)
    return re.sub(r"\b\d{1,3}\b", lambda m: str(max(1, int(m.group()) + rng.randint(-9, 9))), sentence)


def generate(seed_chunks: list[Chunk], n_chunks: int, seed: int = 7) -> Iterator[SyntheticDocument]:
    """Yield distractor documents until ``n_chunks`` chunks have been produced."""
    rng = random.Random(seed)
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
        chunks, parts = [], []
        for index in range(count):
            sources = [rng.choice(sentences) for _ in range(rng.randint(8, 12))]
            text = " ".join(_vary(sentence, rng) for sentence in sources)
            chunk = Chunk(
                chunk_id=f"{doc_id}:{version}:{index:04d}", doc_id=doc_id, doc_version=version, text=text,
                file=f"{doc_id}.pdf", title=title, doc_type=doc_type, year=year, page_start=index // 2 + 1,
                page_end=index // 2 + 1, section="Status", char_start=0, char_end=len(text), chunk_index=index,
            )
            chunks.append(chunk)
            parts.append([heading(chunk), *sources])
        info = DocumentInfo(doc_id, title, f"{doc_id}.pdf", doc_type, year, count // 2 + 1, count, version)
        produced += count
        yield SyntheticDocument(info, chunks, parts)
