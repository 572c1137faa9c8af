"""Retrieval metrics: does a retrieved chunk hold a gold evidence string?

Evidence strings are compared whitespace-normalised and case-insensitive. An
evidence string cut by a chunk border still counts when a prefix or suffix of
at least 70 % of its words is in the chunk: chunk borders are an artefact of
our chunker, not a retrieval failure.
"""

from __future__ import annotations

import math
import re
from typing import Sequence

from ishoj_assistant.evaluation.dataset import EvalItem
from ishoj_assistant.models import Passage

BORDER_FRACTION = 0.7


def normalise_ws(text: str) -> str:
    """Lower case with every whitespace run collapsed to one space."""
    return re.sub(r"\s+", " ", text).strip().lower()


def evidence_in_text(evidence: str, text: str, fraction: float = BORDER_FRACTION) -> bool:
    """True when the evidence, or a border-cut prefix/suffix of ≥ fraction of its words, is in text."""
    haystack = normalise_ws(text)
    tokens = normalise_ws(evidence).split()
    if not tokens:
        return False
    need = max(1, math.ceil(fraction * len(tokens)))
    for size in range(len(tokens), need - 1, -1):
        if " ".join(tokens[:size]) in haystack or " ".join(tokens[-size:]) in haystack:
            return True
    return False


def is_hit(passage: Passage, item: EvalItem) -> bool:
    """A chunk from a gold source containing a gold evidence string."""
    return passage.doc_id in item.sources and any(evidence_in_text(e, passage.text) for e in item.evidence)


def retrieval_metrics(item: EvalItem, passages: Sequence[Passage]) -> dict[str, float]:
    """hit@1, hit@5, MRR@10, and for multi_doc items full coverage@5 of the gold sources."""
    hits = [is_hit(p, item) for p in passages[:10]]
    first = next((rank for rank, hit in enumerate(hits, start=1) if hit), None)
    metrics = {
        "hit@1": float(first == 1),
        "hit@5": float(first is not None and first <= 5),
        "mrr@10": 1.0 / first if first else 0.0,
    }
    if item.type == "multi_doc":
        top_docs = {p.doc_id for p in passages[:5]}
        metrics["coverage@5"] = float(set(item.sources) <= top_docs)
    return metrics
