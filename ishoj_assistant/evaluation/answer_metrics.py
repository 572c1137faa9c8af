"""Answer-quality metrics for one evaluation item.

``answer_metrics(item, answer)`` is pure, so it can be tested and reused;
``answer_item_metrics(item, context)`` is the per-item metric function the
evaluation runner calls (it asks the context's assistant). Every metric is a
float in [0, 1]; a metric that does not apply to an item's type is left out,
so per-type averages only count items where it means something.
"""

from __future__ import annotations

import re
from typing import Any

from ishoj_assistant.answering.checker import cited_numbers
from ishoj_assistant.danish import normalise, words
from ishoj_assistant.evaluation.dataset import EvalItem
from ishoj_assistant.models import Answer
from ishoj_assistant.sentences import MARKER_PATTERN

# A claim: the text since the previous marker run (or line start), then its own marker run.
_CLAIM = re.compile(rf"(?P<claim>[^\n\[\]]*?)(?P<markers>(?:\s*{MARKER_PATTERN})+)")


def answer_metrics(item: dict[str, Any], answer: Answer) -> dict[str, float]:
    """Fact recall, decline correctness, citation precision and draft coverage of one answer.

    Fact recall (and draft coverage) is over every answerable question, a declined one counting 0.
    """
    kind = item.get("type", "")
    if kind == "unanswerable":
        return {"decline_accuracy": float(answer.declined)}
    metrics = {"false_decline": float(answer.declined)}
    if answer.declined:
        # A declined answerable question gave none of its facts: declining must not raise fact recall.
        return {**metrics, "draft_coverage" if kind == "drafting" else "fact_recall": 0.0}
    recall = fact_recall(item.get("answer_facts", []), answer.text)
    metrics["draft_coverage" if kind == "drafting" else "fact_recall"] = recall
    metrics["citation_precision"] = citation_precision(answer)
    return metrics


def answer_item_metrics(item: EvalItem, context: Any) -> dict[str, float]:
    """The runner's per-item metric: answer the item with the context's assistant and score it."""
    mode = "draft" if item.type == "drafting" else "answer"
    answer = context.assistant.answer(item.question, item.history, mode=mode)
    return answer_metrics(item.raw, answer)


def fact_recall(facts: list[str], text: str) -> float:
    """Share of the expected facts found, case-insensitively, in the answer text."""
    if not facts:
        return 1.0
    haystack = normalise(text)
    return sum(normalise(f) in haystack for f in facts) / len(facts)


def citation_precision(answer: Answer) -> float:
    """Share of cited claims (the text before each marker run) that their cited passages contain word for word."""
    by_number = {c.n: c for c in answer.citations}
    checked = supported = 0
    for match in _CLAIM.finditer(answer.text):
        claim = " ".join(words(match.group("claim").lstrip("#")))
        cited = [by_number[n] for n in cited_numbers(match.group("markers")) if n in by_number]
        if not claim:
            continue
        checked += 1
        supported += any(claim in " ".join(words(c.context or c.quote)) for c in cited)
    return supported / checked if checked else 0.0
