"""Answer quality and latency on the dev set, for tuning the answer layer.

Runs every dev item through the Assistant on an already indexed corpus
(ISHOJ_DATA_DIR) and prints the answer metrics per question type plus the
end-to-end latency p50/p95 of a warm second pass, answers and drafts apart.

    ISHOJ_DATA_DIR=/tmp/ans-data PYTHONPATH=. python benchmarks/answer_eval.py [dev.jsonl] [-v]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from ishoj_assistant.context import AppContext
from ishoj_assistant.evaluation.answer_metrics import answer_metrics

DEFAULT_DEV = Path("/work/shared/eval/dev.jsonl")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    paths = [a for a in argv if a != "-v"]
    items = [json.loads(line) for line in Path(paths[0] if paths else DEFAULT_DEV).read_text().splitlines() if line.strip()]
    context = AppContext()
    assistant = context.assistant
    by_type: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    latencies: dict[str, list[float]] = defaultdict(list)
    for warm in (False, True):
        for item in items:
            context.embedder.forget_queries()  # time each question as new: its query embedding is part of the cost
            mode = "draft" if item["type"] == "drafting" else "answer"
            started = time.perf_counter()
            answer = assistant.answer(item["question"], item.get("history", []), mode=mode)
            if not warm:
                for name, value in answer_metrics(item, answer).items():
                    by_type[item["type"]][name].append(value)
                    by_type["ALLE"][name].append(value)
                if verbose:
                    print(f"--- {item['id']} {item['type']} {answer_metrics(item, answer)}\n{item['question']}\n{answer.text}\n")
            else:
                latencies[mode].append((time.perf_counter() - started) * 1000)
    for kind, metrics in sorted(by_type.items()):
        shown = "  ".join(f"{name}={statistics.mean(values):.2f}" for name, values in sorted(metrics.items()))
        print(f"{kind:<13} n={max(len(v) for v in metrics.values()):<3} {shown}")
    for mode, values in sorted(latencies.items()):
        print(f"latens, {mode} (varm, n={len(values)}) p50={_percentile(values, 0.5):.1f} ms  p95={_percentile(values, 0.95):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
