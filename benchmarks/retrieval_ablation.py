"""Fusion weights chosen by cross-validation over several question sets, the per-signal ablation, and latency.

Each set is searched in its own index. Every signal's ranking is computed once
per question; each configuration (signal weights, RRF constant, year and
document-type boosts, the weight of the closest-sentence re-ordering) is then
only a re-fusion. The configuration is chosen
per fold on the other folds' documents (folds grouped by source document, as
for the answer ranker) and scored on the held-out fold; the in-sample best is
reported next to it, with the ablation rows at that configuration. Usage:

    PYTHONPATH=. .venv/bin/python -m benchmarks.retrieval_ablation \\
        --set ../shared/eval/dev.jsonl data corpus \\
        --set ../shared/eval/soeholm/train.jsonl data-soeholm ../shared/eval/soeholm/pdf
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import time
from dataclasses import dataclass, replace
from pathlib import Path

from ishoj_assistant.context import AppContext
from ishoj_assistant.evaluation.dataset import EvalItem, load_items
from ishoj_assistant.evaluation.fitting import document_group, grouped_folds
from ishoj_assistant.evaluation.metrics import retrieval_metrics
from ishoj_assistant.models import Passage
from ishoj_assistant.query import QueryAnalysis
from ishoj_assistant.retrieval.hybrid import HybridRetriever, Signal
from ishoj_assistant.retrieval.metadata import MetadataBoost
from ishoj_assistant.settings import get_settings

LATENCY_ROUNDS = 5
K = 10


@dataclass(frozen=True)
class Config:
    bm25: float
    ngram: float
    dense: float
    rrf_k: int
    year: float
    doc_type: float
    rerank: float

    def label(self) -> str:
        return (f"bm25 {self.bm25:g} : n-gram {self.ngram:g} : dense {self.dense:g}, RRF-k {self.rrf_k}, "
                f"år +{self.year:g}, type +{self.doc_type:g}, nærmeste sætning ×{self.rerank:g}")


GRID = [
    Config(*values)
    for values in itertools.product(
        (0.5, 1.0), (1.0, 1.5), (1.0, 1.5), (20, 60), (0.0, 0.01, 0.02), (0.0, 0.005), (0.0, 5.0, 10.0, 20.0)
    )
]


@dataclass
class Prepared:
    item: EvalItem
    group: str
    analysis: QueryAnalysis
    rankings: dict[str, list[Passage]]


def prepare(sets: list[list[str]]) -> tuple[list[Prepared], dict[str, AppContext]]:
    prepared: list[Prepared] = []
    contexts = {}
    for jsonl, data_dir, corpus_dir in sets:
        settings = get_settings().model_copy(update={"data_dir": Path(data_dir), "corpus_dir": Path(corpus_dir)})
        context = AppContext(settings)
        context.indexer().ingest([Path(corpus_dir)])
        name = Path(jsonl).parent.name if Path(jsonl).stem == "train" else Path(jsonl).stem
        contexts[name] = context
        for item in load_items(Path(jsonl)):
            if not item.answerable:
                continue
            analysis, _ = context.assistant.analyse(item.question, item.history)
            prepared.append(Prepared(item, document_group(item, name), analysis, context.retriever.rankings(analysis.text)))
    return prepared, contexts


def fuser(config: Config, base: HybridRetriever) -> HybridRetriever:
    signals = [Signal(name, lambda q, n, f: [], weight) for name, weight in
               (("bm25", config.bm25), ("ngram", config.ngram), ("dense", config.dense))]
    rerank = replace(base.rerank, weight=config.rerank) if base.rerank else None
    return HybridRetriever(signals, base.term_rarity, config.rrf_k, base.candidates, base.duplicate_similarity,
                           MetadataBoost(config.year, config.doc_type), rerank)


def scores(config: Config, questions: list[Prepared], base: HybridRetriever) -> dict[str, float]:
    retriever = fuser(config, base)
    rows = [retrieval_metrics(q.item, retriever.fuse(q.rankings, K, q.analysis)) for q in questions]
    out = {name: statistics.mean(r[name] for r in rows) for name in ("hit@1", "hit@5", "mrr@10")}
    covers = [r["coverage@5"] for r in rows if "coverage@5" in r]
    out["coverage@5"] = statistics.mean(covers) if covers else float("nan")
    return out


def objective(metrics: dict[str, float]) -> float:
    cover = metrics["coverage@5"] if metrics["coverage@5"] == metrics["coverage@5"] else 0.0
    return metrics["hit@1"] + metrics["hit@5"] + 0.5 * cover + 0.1 * metrics["mrr@10"]


def cross_validated(questions: list[Prepared], base: HybridRetriever) -> tuple[dict[str, float], list[Config]]:
    """Held-out metrics of the configuration chosen on the other folds, and the chosen configuration per fold."""
    held_out: list[tuple[list[Prepared], dict[str, float]]] = []
    chosen = []
    for test in grouped_folds([q.group for q in questions]):
        train = [q for i, q in enumerate(questions) if i not in set(test)]
        best = max(GRID, key=lambda c: objective(scores(c, train, base)))
        chosen.append(best)
        tested = [questions[i] for i in test]
        held_out.append((tested, scores(best, tested, base)))
    total = sum(len(t) for t, _ in held_out)
    metrics = {name: sum(len(t) * m[name] for t, m in held_out) / total for name in ("hit@1", "hit@5", "mrr@10")}
    multi = [(sum(q.item.type == "multi_doc" for q in t), m["coverage@5"]) for t, m in held_out]
    metrics["coverage@5"] = sum(n * c for n, c in multi if n) / max(1, sum(n for n, _ in multi))
    return metrics, chosen


def latency_ms(context: AppContext, questions: list[Prepared]) -> tuple[float, float]:
    """p50/p95 of warm HybridRetriever.search calls on one corpus's questions."""
    for q in questions:
        context.retriever.search(q.analysis.text, analysis=q.analysis)
    timings: list[float] = []
    for _ in range(LATENCY_ROUNDS):
        for q in questions:
            start = time.perf_counter()
            context.retriever.search(q.analysis.text, analysis=q.analysis)
            timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), statistics.quantiles(timings, n=20)[18]


def row(label: str, metrics: dict[str, float]) -> str:
    return f"| {label} | {metrics['hit@1']:.2f} | {metrics['hit@5']:.2f} | {metrics['mrr@10']:.2f} | {metrics['coverage@5']:.2f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", nargs=3, action="append", required=True, metavar=("JSONL", "DATAMAPPE", "DOKUMENTMAPPE"))
    args = parser.parse_args()
    questions, contexts = prepare(args.set)
    base = next(iter(contexts.values())).retriever
    print(f"Maskine: {os.cpu_count()} kerner; {len(questions)} besvarlige spørgsmål; {len(GRID)} konfigurationer.\n")
    cv, chosen = cross_validated(questions, base)
    best = max(GRID, key=lambda c: objective(scores(c, questions, base)))
    print("| Konfiguration | hit@1 | hit@5 | MRR@10 | multi_doc cover@5 |")
    print("|---|---|---|---|---|")
    print(row(f"krydsvalideret (valgt pr. fold: {len(set(chosen))} forskellige)", cv))
    print(row(f"i stikprøven, bedste: {best.label()}", scores(best, questions, base)))
    for name, cfg in (
        ("kun bm25", replace(best, ngram=0, dense=0, bm25=1)),
        ("kun n-gram", replace(best, bm25=0, dense=0, ngram=1)),
        ("kun dense", replace(best, bm25=0, ngram=0, dense=1)),
        ("uden årsløft", replace(best, year=0)),
        ("uden typeløft", replace(best, doc_type=0)),
        ("uden omordning efter nærmeste sætning", replace(best, rerank=0)),
    ):
        print(row(name, scores(cfg, questions, base)))
    for name, context in contexts.items():
        subset = [q for q in questions if q.group.startswith(f"{name}/")]
        print(row(f"{name}, bedste konfiguration", scores(best, subset, base)))
        p50, p95 = latency_ms(context, subset)
        print(f"\n{name}: {context.store.count()} tekststykker; varm søgning p50 {p50:.1f} ms, p95 {p95:.1f} ms\n")
    print("Valgt pr. fold:")
    for config in chosen:
        print(f"- {config.label()}")


if __name__ == "__main__":
    main()
