"""Startup benchmark: seconds from `ishoj-assistant serve` to a healthy /healthz.

Run from the repository root, after the shipped corpus has been indexed once:
    PYTHONPATH=. python benchmarks/startup.py --data /path/to/data [--runs 5]

Why a benchmark and not a timed test: how fast a process starts depends on
what else the machine is doing (a shared CI runner took more than 10 s where a
quiet machine takes 7), so a time limit in a test fails on load, not on code.
Each run copies the data dir, so the measured index is never modified, and
starts a fresh process, so nothing is warm but the operating system's file
cache. The table is written to docs/benchmarks.md, section "Opstart".
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.doc_block import write_marked_block
from tests.live_server import free_port, serve_process, stop_serve, wait_healthy

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
SECTION_START, SECTION_END = "<!-- opstart:start -->", "<!-- opstart:end -->"


def time_to_healthy(data_dir: Path) -> float:
    """Seconds until a new serve process over a copy of ``data_dir`` answers /healthz."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "data"
        shutil.copytree(data_dir, copy, symlinks=True)
        port = free_port()
        started = time.monotonic()
        process = serve_process({"ISHOJ_DATA_DIR": str(copy)}, "--port", str(port))
        try:
            wait_healthy(f"http://127.0.0.1:{port}", process, timeout=300)
            return time.monotonic() - started
        finally:
            stop_serve(process)


def report(seconds: list[float]) -> str:
    load = " / ".join(f"{v:.2f}" for v in os.getloadavg())
    runs = ", ".join(f"{s:.1f}" for s in seconds)
    return (
        f"{SECTION_START}\n"
        f"`benchmarks/startup.py`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{len(seconds)} kørsler (load efter målingen: {load}):\n\n"
        "| måling | median | langsomste | kørsler |\n|---|---|---|---|\n"
        f"| `serve` til /healthz svarer, bygget indeks | {statistics.median(seconds):.1f} s "
        f"| {max(seconds):.1f} s | {runs} |\n"
        f"{SECTION_END}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="an indexed data dir (ISHOJ_DATA_DIR)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    seconds = [time_to_healthy(args.data) for _ in range(args.runs)]
    section = report(seconds)
    print(section)
    write_marked_block(DOC, section, SECTION_START, SECTION_END, "## Opstart\n\n")


if __name__ == "__main__":
    main()
