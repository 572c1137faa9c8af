"""The evaluation runner: searches every item and aggregates per question type.

Per-item results are plain dicts, and callers may pass extra per-item metric
functions ``(item, context) -> dict[str, float]`` (e.g. answer metrics); their
averages per type land in the same tables. The query sent for an item comes
from a replaceable ``query_builder`` so the answer layer's follow-up rewriter
can be evaluated without touching this module.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any, Callable, Iterable, Sequence

from ishoj_assistant.evaluation.dataset import EvalItem
from ishoj_assistant.evaluation.metrics import retrieval_metrics
from ishoj_assistant.retrieval import Retriever

QueryBuilder = Callable[[EvalItem], str]
ItemMetric = Callable[[EvalItem, Any], dict[str, float]]

OVERALL = "overall"
RETRIEVAL_K = 10


def retrieval_query(item: EvalItem) -> str:
    """The search query: previous user turns, then the question (for follow-ups)."""
    turns = [t["content"] for t in item.history if t.get("role") == "user"]
    return " ".join([*turns, item.question])


def assistant_query(assistant: Any) -> QueryBuilder:
    """The query the assistant itself searches with: a follow-up resolved against its history, so
    retrieval figures measure what users get."""
    return lambda item: assistant.analyse(item.question, item.history)[0].text


def evaluate_item(
    item: EvalItem,
    retriever: Retriever,
    context: Any = None,
    query_builder: QueryBuilder = retrieval_query,
    extra_metrics: Sequence[ItemMetric] = (),
) -> dict[str, Any]:
    """One item's result: query, top passages, and every metric as a flat dict."""
    result: dict[str, Any] = {"id": item.id, "type": item.type, "metrics": {}}
    if item.answerable:
        query = query_builder(item)
        start = time.perf_counter()
        passages = retriever.search(query, k=RETRIEVAL_K)
        result["latency_ms"] = (time.perf_counter() - start) * 1000
        result["query"] = query
        result["top"] = [{"doc_id": p.doc_id, "page": p.page, "score": round(p.score, 6)} for p in passages[:5]]
        result["metrics"].update(retrieval_metrics(item, passages))
    for metric in extra_metrics:
        result["metrics"].update(metric(item, context))
    return result


def summarise(results: Iterable[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per type and overall: item count and the mean of each metric over the items that have it."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for result in results:
        groups[result["type"]].append(result)
        groups[OVERALL].append(result)
    summary: dict[str, dict[str, float]] = {}
    for group in sorted(groups, key=lambda g: (g == OVERALL, g)):
        values: dict[str, list[float]] = defaultdict(list)
        for result in groups[group]:
            for name, value in result["metrics"].items():
                values[name].append(float(value))
        summary[group] = {"n": float(len(groups[group])), **{k: sum(v) / len(v) for k, v in values.items()}}
    return summary


def run_evaluation(
    items: Sequence[EvalItem],
    retriever: Retriever,
    context: Any = None,
    query_builder: QueryBuilder = retrieval_query,
    extra_metrics: Sequence[ItemMetric] = (),
) -> dict[str, Any]:
    """Evaluate every item; returns ``{"items": [...], "summary": {type: {metric: mean}}}``."""
    results = [evaluate_item(i, retriever, context, query_builder, extra_metrics) for i in items]
    return {"items": results, "summary": summarise(results)}
