"""Retrieval ablation and warm latency on an evaluation set.

Runs the evaluation once per signal combination (same index, same queries)
and times HybridRetriever.search warm, then prints a Markdown table for
docs/retrieval.md. Usage (index the corpus first):

    ISHOJ_DATA_DIR=/tmp/retr-data PYTHONPATH=. python -m benchmarks.retrieval_ablation \
        --set /work/shared/eval/dev.jsonl
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from ishoj_assistant.context import AppContext
from ishoj_assistant.evaluation.dataset import EvalItem, load_items
from ishoj_assistant.evaluation.runner import retrieval_query, run_evaluation
from ishoj_assistant.retrieval.hybrid import FusionWeights, HybridRetriever

LATENCY_ROUNDS = 5


def configurations(tuned: FusionWeights) -> dict[str, FusionWeights]:
    """The rows of the ablation table: single signals, then signals added one by one."""
    return {
        "BM25 (Danish stems) only": FusionWeights(bm25=1, ngram=0, dense=0),
        "Compound n-grams only": FusionWeights(bm25=0, ngram=1, dense=0),
        "Dense (e5-small) only": FusionWeights(bm25=0, ngram=0, dense=1),
        "Fused BM25 + dense (RRF 1:1)": FusionWeights(bm25=1, ngram=0, dense=1),
        "+ compound n-grams (RRF 1:1:1)": FusionWeights(bm25=1, ngram=1, dense=1),
        f"+ tuned weights {tuned.bm25:g}:{tuned.ngram:g}:{tuned.dense:g} (default)": tuned,
    }


def latency_ms(retriever: HybridRetriever, items: list[EvalItem]) -> tuple[float, float]:
    """p50/p95 of warm search calls (one warm-up pass, then LATENCY_ROUNDS timed passes)."""
    queries = [retrieval_query(i) for i in items]
    for q in queries:
        retriever.search(q)
    timings: list[float] = []
    for _ in range(LATENCY_ROUNDS):
        for q in queries:
            start = time.perf_counter()
            retriever.search(q)
            timings.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(timings, n=20)
    return statistics.median(timings), cuts[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", type=Path, required=True)
    args = parser.parse_args()
    context = AppContext()
    items = load_items(args.set)
    base = context.retriever
    print(f"Machine: {os.cpu_count()} cores; {context.store.count()} chunks; {len(items)} items.\n")
    print("| Configuration | hit@1 | hit@5 | MRR@10 | multi_doc coverage@5 |")
    print("|---|---|---|---|---|")
    for name, weights in configurations(base.weights).items():
        retriever = HybridRetriever(base.keyword, base.dense, weights, base.rrf_k, base.candidates, base.duplicate_similarity)
        overall = run_evaluation(items, retriever)["summary"]
        row, multi = overall["overall"], overall.get("multi_doc", {})
        print(f"| {name} | {row['hit@1']:.2f} | {row['hit@5']:.2f} | {row['mrr@10']:.2f} | {multi.get('coverage@5', float('nan')):.2f} |")
    p50, p95 = latency_ms(base, [i for i in items if i.answerable])
    print(f"\nWarm HybridRetriever.search latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
