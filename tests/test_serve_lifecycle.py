"""The real `serve` process across a kill and a SIGTERM: accepted jobs survive, the served file
always matches the live index, and shutdown never waits on an open UI heartbeat."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx

from ishoj_assistant.context import AppContext
from tests.conftest import make_settings
from tests.live_server import free_port, serve_process, stop_serve, wait_healthy
from tests.pdf_factory import Heading, Paragraph, make_pdf
from tests.test_api import wait_for_job


def _env(data_dir: Path, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"ISHOJ_DATA_DIR": str(data_dir), "ISHOJ_CORPUS_DIR": str(tmp_path / "no-corpus"), **extra}


def test_a_killed_job_resumes_and_the_file_always_matches_the_index(tmp_path: Path, embedding_cache_dir: Path) -> None:
    settings = make_settings(tmp_path / "data", embedding_cache_dir)
    old = make_pdf(tmp_path / "v1.pdf", [[Heading("Kolibrihuset"), Paragraph("Kolibrihuset får 24 pladser i 2031.")]] * 3)
    new = make_pdf(tmp_path / "v2.pdf", [[Heading("Kolibrihuset"), Paragraph("Kolibrihuset udskydes til 2033.")]])
    port = free_port()
    url = f"http://127.0.0.1:{port}"

    first = serve_process(_env(settings.data_dir, tmp_path), "--port", str(port))
    try:
        wait_healthy(url, first, timeout=60)
        with httpx.Client(base_url=url, timeout=60) as client:
            accepted = client.post("/api/documents", files={"file": ("kolibri.pdf", old.read_bytes())})
            first_result = wait_for_job(client, accepted.json()["job_id"])["results"][0]
            assert first_result["status"] == "indexed", f"version 1 must be indexed before the crash: {first_result}"
            doc_id = first_result["doc_id"]
    finally:
        stop_serve(first)

    crashing = serve_process(_env(settings.data_dir, tmp_path, ISHOJ_TEST_CRASH_POINT="chunks_written"), "--port", str(port))
    try:
        wait_healthy(url, crashing, timeout=60)
        replaced = httpx.post(
            f"{url}/api/documents", params={"replace": "true"}, files={"file": ("kolibri.pdf", new.read_bytes())}, timeout=60
        )
        assert replaced.status_code == 202, replaced.text
        job_id = replaced.json()["job_id"]
        assert crashing.wait(timeout=120) == -signal.SIGKILL
    finally:
        crashing.kill()
        crashing.communicate()

    live = AppContext(settings).store.document(doc_id)
    assert live is not None and Path(live.source_path).read_bytes() == old.read_bytes(), (
        "after the kill the index still cites version 1, so version 1 must be the file it serves"
    )

    restarted = serve_process(_env(settings.data_dir, tmp_path), "--port", str(port))
    try:
        wait_healthy(url, restarted, timeout=60)
        with httpx.Client(base_url=url, timeout=60) as client:
            job = wait_for_job(client, job_id)
            assert job["status"] == "done" and job["results"][0]["status"] == "indexed"
            assert client.get(f"/api/documents/{doc_id}/file").content == new.read_bytes()
            hits = client.post("/api/search", json={"query": "Hvornår åbner kolibrihuset?", "k": 1}).json()["results"]
            assert "2033" in hits[0]["text"]
    finally:
        stop_serve(restarted)
    assert len(list((settings.data_dir / "uploads" / doc_id).iterdir())) == 1


def test_sigterm_stops_the_server_promptly_despite_an_open_heartbeat(tmp_path: Path, embedding_cache_dir: Path) -> None:
    settings = make_settings(tmp_path / "data", embedding_cache_dir)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = serve_process(_env(settings.data_dir, tmp_path, ISHOJ_SHUTDOWN_TIMEOUT_S="2"), "--port", str(port))
    connected = threading.Event()

    def hold_heartbeat() -> None:
        try:
            with httpx.stream("GET", f"{url}/gradio_api/heartbeat/probe", timeout=None) as response:
                connected.set()
                for _ in response.iter_bytes():
                    pass
        except httpx.HTTPError:
            connected.set()

    try:
        wait_healthy(url, process, timeout=60)
        threading.Thread(target=hold_heartbeat, daemon=True).start()
        assert connected.wait(timeout=20)
        time.sleep(0.5)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        assert time.monotonic() - started < 10
    finally:
        process.kill()
        process.communicate()
