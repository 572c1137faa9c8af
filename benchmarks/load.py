"""Load test: 20 concurrent clients × 50 questions against a real `serve` process.

Run from the repository root:
    PYTHONPATH=. python benchmarks/load.py [--data /tmp/load-data] [--clients 20] [--questions 50]

Why a subprocess and not an in-process app: the point is to observe the
service as deployed (uvicorn, one process, API and UI together), including
what an upload + background ingestion does to answer latency. The data dir is
copied so the shipped index is never modified. Everything stays on 127.0.0.1.
The measured table is written to docs/reliability.md, section "Belastning".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks.doc_block import write_marked_block
from tests.live_server import free_port
from tests.pdf_factory import Heading, Paragraph, make_pdf

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "reliability.md"
EVAL = Path("/work/shared/eval/dev.jsonl")
ADMIN, READER = "load-admin", "load-reader"
SECTION_START, SECTION_END = "<!-- belastning:start -->", "<!-- belastning:end -->"


@dataclass(frozen=True)
class Sample:
    """One /api/ask call: when it started/ended (monotonic s) and whether it succeeded."""

    start: float
    end: float
    ok: bool


def questions() -> list[str]:
    return [json.loads(line)["question"] for line in EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]


def upload_pdf(path: Path) -> Path:
    """A several-page municipal-looking PDF, new content so it is not refused as a duplicate."""
    pages = [
        [
            Heading(f"Afsnit {n}: Belastningstest af ældreplejen"),
            Paragraph(
                f"Side {n}. Ishøj Kommune har i belastningstesten beskrevet hjemmehjælp, "
                "madordning, genoptræning og klippekort for ældre borgere. " * 6
            ),
        ]
        for n in range(1, 9)
    ]
    return make_pdf(path, pages, title="Belastningstest")


def start_server(data: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        ISHOJ_DATA_DIR=str(data),
        ISHOJ_CORPUS_DIR="corpus",
        ISHOJ_ADMIN_TOKEN=ADMIN,
        ISHOJ_READER_TOKEN=READER,
        PYTHONPATH=str(ROOT),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "ishoj_assistant", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
    )


def wait_healthy(base: str, server: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("serveren stoppede under opstart")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError("serveren blev ikke klar")


def client_loop(base: str, asks: list[str], offset: int, count: int, out: list[Sample]) -> None:
    """One client: `count` sequential questions, starting at its own offset in the cycle."""
    headers = {"Authorization": f"Bearer {READER}"}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        for i in range(count):
            question = asks[(offset + i) % len(asks)]
            start = time.monotonic()
            try:
                ok = client.post("/api/ask", json={"question": question, "history": [], "mode": "answer"}).status_code == 200
            except httpx.HTTPError:
                ok = False
            out.append(Sample(start, time.monotonic(), ok))


def ingest_during_load(base: str, pdf: Path, window: list[float], result: dict[str, str]) -> None:
    """Upload after the load has warmed up; record the ingestion window and the job outcome."""
    time.sleep(5)
    headers = {"Authorization": f"Bearer {ADMIN}"}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        window.append(time.monotonic())
        accepted = client.post("/api/documents", files={"file": (pdf.name, pdf.read_bytes(), "application/pdf")})
        if accepted.status_code != 202:
            result["status"] = f"upload afvist: {accepted.status_code} {accepted.text[:200]}"
            window.append(time.monotonic())
            return
        job_id = accepted.json()["job_id"]
        while True:
            job = client.get(f"/api/jobs/{job_id}").json()
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.2)
        window.append(time.monotonic())
        outcome = job["results"][0]["status"] if job["results"] else job.get("error") or ""
        result["status"] = f"{job['status']} ({outcome})"


def stats(samples: list[Sample], wall: float) -> dict[str, float]:
    latencies = sorted(s.end - s.start for s in samples)
    if not latencies:
        return {"n": 0, "errors": 0, "rps": 0.0, "p50": 0.0, "p95": 0.0, "max": 0.0}
    return {
        "n": len(samples),
        "errors": sum(not s.ok for s in samples),
        "rps": len(samples) / wall if wall > 0 else 0.0,
        "p50": statistics.median(latencies),
        "p95": latencies[min(len(latencies) - 1, int(round(0.95 * len(latencies))) - 1)],
        "max": latencies[-1],
    }


def machine() -> str:
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    return f"{os.cpu_count()} CPU-kerner (nproc), {mem_kb / 1024 / 1024:.1f} GB RAM, {platform.system()} {platform.machine()}, Python {platform.python_version()}"


def render(total: dict[str, float], during: dict[str, float], outside: dict[str, float], wall: float,
           ingest_s: float, job: str, clients: int, per_client: int, pages: int) -> str:
    def row(label: str, s: dict[str, float]) -> str:
        return (f"| {label} | {s['n']} | {s['errors']} | {s['rps']:.1f} | "
                f"{s['p50'] * 1000:.0f} | {s['p95'] * 1000:.0f} | {s['max'] * 1000:.0f} |")

    return "\n".join([
        SECTION_START,
        f"Målt med `benchmarks/load.py` den {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} på {machine()}.",
        "",
        f"En rigtig `serve`-proces (tokens sat) på en kopi af det indekserede standardkorpus; {clients} samtidige "
        f"klienter stiller hver {per_client} spørgsmål (fra dev-evalueringssættet, på skift) til `POST /api/ask` "
        f"(svartilstand, ingen sprogmodel). Efter 5 sekunder uploades en PDF på {pages} sider via "
        f"`POST /api/documents` og indekseres i baggrunden, mens spørgsmålene fortsætter. Kørslen tog {wall:.0f} s; "
        f"indekseringen tog {ingest_s:.1f} s og endte som: {job}.",
        "",
        "| Del af kørslen | Forespørgsler | Fejl | Gennemløb (forespørgsler/s) | p50 (ms) | p95 (ms) | maks (ms) |",
        "|---|---|---|---|---|---|---|",
        row("Hele kørslen", total),
        row("Under upload og indeksering", during),
        row("Uden indeksering", outside),
        "",
        "Fejl tæller alle svar med anden status end 200 og alle undtagelser (forbindelse, timeout). "
        "En forespørgsel regnes til \"under indeksering\", hvis den startede i tidsrummet fra upload til jobbet var færdigt.",
        SECTION_END,
    ])


def write_section(text: str) -> None:
    """Replace the measured block in docs/reliability.md, keeping everything else."""
    write_marked_block(DOC, text, SECTION_START, SECTION_END, "## Belastning\n\n", "# Pålidelighed og sikkerhed\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/load-data"))
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=50)
    args = parser.parse_args()

    asks = questions()
    with tempfile.TemporaryDirectory(prefix="ishoj-load-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(args.data, data)
        pdf = upload_pdf(Path(tmp) / "belastningstest-aeldrepleje.pdf")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(data, port)
        try:
            wait_healthy(base, server)
            samples: list[Sample] = []
            window: list[float] = []
            job: dict[str, str] = {}
            threads = [
                threading.Thread(target=client_loop, args=(base, asks, n * 7, args.questions, samples))
                for n in range(args.clients)
            ]
            ingester = threading.Thread(target=ingest_during_load, args=(base, pdf, window, job))
            began = time.monotonic()
            for thread in threads:
                thread.start()
            ingester.start()
            for thread in threads + [ingester]:
                thread.join()
            wall = time.monotonic() - began
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()

    lo, hi = window
    during = [s for s in samples if lo <= s.start <= hi]
    outside = [s for s in samples if not lo <= s.start <= hi]
    outside_wall = wall - (hi - lo)
    table = render(stats(samples, wall), stats(during, hi - lo), stats(outside, outside_wall), wall, hi - lo,
                   job.get("status", "ukendt"), args.clients, args.questions, 8)
    write_section(table)
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
