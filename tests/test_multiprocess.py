"""Two `serve` processes sharing one `chroma run` server see each other's changes.

Each API process keeps its own keyword index derived from Chroma; this test
shows that a document uploaded or deleted through one process is found, or
gone, through the other within a few seconds, with real processes, a real
Chroma server and real HTTP.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from tests.conftest import PROJECT_ROOT, make_settings
from tests.live_server import free_port
from tests.pdf_factory import Heading, Paragraph, make_pdf

ADMIN = {"Authorization": "Bearer admin-hemmelig"}
READER = {"Authorization": "Bearer laeser-hemmelig"}
UNIQUE = "Søndervangsprojektet"


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: processen stoppede med kode {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(url)


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    process = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "chroma"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/api/v2/heartbeat", process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def _serve(port: int, chroma_port: int, data_dir: Path, cache_dir: Path, corpus: Path) -> subprocess.Popen[bytes]:
    make_settings(data_dir, cache_dir)  # shares the session's embedding cache
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "ISHOJ_DATA_DIR": str(data_dir),
        "ISHOJ_CORPUS_DIR": str(corpus),
        "ISHOJ_STORE_MODE": "http",
        "ISHOJ_CHROMA_PORT": str(chroma_port),
        "ISHOJ_COLLECTION": "delt_samling",
        "ISHOJ_READER_TOKEN": READER["Authorization"].split()[1],
        "ISHOJ_ADMIN_TOKEN": ADMIN["Authorization"].split()[1],
        "ISHOJ_KEYWORD_REFRESH_S": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "ishoj_assistant", "serve", "--port", str(port)], env=env, cwd=str(data_dir)
    )


def _found(base: str) -> bool:
    response = httpx.post(f"{base}/api/search", json={"query": UNIQUE, "k": 3}, headers=READER, timeout=10)
    response.raise_for_status()
    return any(UNIQUE in r["text"] for r in response.json()["results"])


def _eventually(predicate, seconds: float = 15) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_upload_and_delete_through_one_process_seen_by_the_other(
    chroma_server: int, tmp_path: Path, embedding_cache_dir: Path
) -> None:
    corpus = tmp_path / "corpus"
    make_pdf(corpus / "startnotat-2020.pdf", [[Heading("Startnotat"), Paragraph("Et kort notat om hjemmeplejen i 2020.")]])
    ports = [free_port(), free_port()]
    processes = [
        _serve(port, chroma_server, tmp_path / f"data{i}", embedding_cache_dir, corpus) for i, port in enumerate(ports)
    ]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base, process in zip(bases, processes):
            _wait_for(f"{base}/healthz", process, seconds=120)
        assert not _found(bases[1])

        pdf = make_pdf(
            tmp_path / "upload" / "soendervang-2021.pdf",
            [[Heading("Status"), Paragraph(f"{UNIQUE} har i 2021 hjulpet 37 ældre borgere med daglig træning.")]],
        )
        with pdf.open("rb") as handle:
            response = httpx.post(
                f"{bases[0]}/api/documents", files={"file": (pdf.name, handle, "application/pdf")}, headers=ADMIN
            )
        assert response.status_code in (200, 202), response.text
        assert _eventually(lambda: _found(bases[1])), "dokumentet blev ikke fundet gennem den anden proces"

        deleted = httpx.delete(f"{bases[0]}/api/documents/soendervang-2021", headers=ADMIN)
        assert deleted.status_code == 200, deleted.text
        assert _eventually(lambda: not _found(bases[1])), "det slettede dokument blev stadig fundet"
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)
