"""Loading evaluation sets in the dev.jsonl format."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class EvalItem:
    """One question with its gold evidence; ``raw`` keeps every field for answer metrics."""

    id: str
    question: str
    type: str
    evidence: list[str] = field(default_factory=list)
    answer_facts: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    history: list[dict[str, str]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def answerable(self) -> bool:
        """Items without sources are unanswerable and excluded from retrieval metrics."""
        return bool(self.sources)


def item_from_dict(data: dict[str, Any]) -> EvalItem:
    return EvalItem(
        id=str(data["id"]),
        question=str(data["question"]),
        type=str(data.get("type", "fact")),
        evidence=list(data.get("evidence") or []),
        answer_facts=list(data.get("answer_facts") or []),
        sources=list(data.get("sources") or []),
        history=list(data.get("history") or []),
        raw=dict(data),
    )


def load_items(path: Path) -> list[EvalItem]:
    """Every non-empty line of a JSONL file as an item."""
    with path.open(encoding="utf-8") as fh:
        return [item_from_dict(json.loads(line)) for line in fh if line.strip()]
