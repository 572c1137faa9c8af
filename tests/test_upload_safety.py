"""Uploads a careless admin or an attacker sends: a name that would replace another document,
a deleted document and re-indexing, files that are slow or huge to open, bodies too large
or unauthorised, and what is left on disk afterwards."""

from __future__ import annotations

import io
import os
import socket
import threading
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse

import httpx
import pypdf
import pytest

from ishoj_assistant.api import create_app
from ishoj_assistant.context import AppContext
from ishoj_assistant.services import uploads
from tests.conftest import make_settings
from tests.live_server import live_server
from tests.pdf_factory import Heading, Paragraph, make_long_pdf, make_pdf
from tests.test_api import fact_pdf, upload, wait_for_job

STATUS_2019 = "Kontinensklinikken udredte 43 borgere i 2019, og ventetiden faldt til tre uger."
UNRELATED = "Kantinen holder lukket i uge 42 på grund af ombygning af køkkenet."


@pytest.fixture
def fresh(tmp_path: Path, embedding_cache_dir: Path) -> Iterator[tuple[httpx.Client, AppContext]]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    context = AppContext(make_settings(tmp_path / "data", embedding_cache_dir, corpus_dir=corpus, max_upload_mb=1))
    with live_server(create_app(context)) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield client, context


def _note(path: Path, text: str) -> bytes:
    return make_pdf(path, [[Heading("Status"), Paragraph(text)]]).read_bytes()


def _search(client: httpx.Client, query: str) -> list[str]:
    return [r["text"] for r in client.post("/api/search", json={"query": query, "k": 5}).json()["results"]]


def test_a_name_that_maps_to_another_document_is_refused_unless_replace(
    fresh: tuple[httpx.Client, AppContext], tmp_path: Path
) -> None:
    client, context = fresh
    first = upload(client, "Vaerdighedsmilliarden status 2019.pdf", _note(tmp_path / "a.pdf", STATUS_2019))
    doc_id = wait_for_job(client, first.json()["job_id"])["results"][0]["doc_id"]

    clash = upload(client, "Vaerdighedsmilliarden status 2019.pdf", _note(tmp_path / "b.pdf", UNRELATED))
    assert clash.status_code == 409
    assert doc_id in clash.json()["detail"] and "replace=true" in clash.json()["detail"]
    assert any("43 borgere" in t for t in _search(client, "kontinensklinikken udredte borgere"))

    replaced = client.post(
        "/api/documents",
        params={"replace": "true"},
        files={"file": ("Vaerdighedsmilliarden status 2019.pdf", _note(tmp_path / "b.pdf", UNRELATED), "application/pdf")},
    )
    assert replaced.status_code == 202
    assert wait_for_job(client, replaced.json()["job_id"])["results"][0]["status"] == "indexed"
    assert not any("43 borgere" in t for t in _search(client, "kontinensklinikken udredte borgere"))
    versions = list((context.settings.data_dir / "uploads" / doc_id).iterdir())
    assert len(versions) == 1, "the replaced version's file is pruned once the new one is live"


def test_a_deleted_upload_does_not_come_back_on_reindex(fresh: tuple[httpx.Client, AppContext], tmp_path: Path) -> None:
    client, context = fresh
    accepted = upload(client, "kolibri.pdf", fact_pdf(tmp_path / "k.pdf"))
    doc_id = wait_for_job(client, accepted.json()["job_id"])["results"][0]["doc_id"]
    assert client.delete(f"/api/documents/{doc_id}").status_code == 200
    assert not [p for p in (context.settings.data_dir / "uploads").rglob("*") if p.is_file()]
    # What a process killed mid-check leaves in staging is no document either.
    make_pdf(context.settings.data_dir / "uploads" / ".staging" / "5f3a9c.pdf", [[Paragraph(UNRELATED)]])
    job = wait_for_job(client, client.post("/api/reindex").json()["job_id"])
    assert job["status"] == "done"
    assert client.get("/api/documents").json()["documents"] == []


def test_an_aes_pdf_with_only_an_owner_password_is_indexed(fresh: tuple[httpx.Client, AppContext], tmp_path: Path) -> None:
    client, _ = fresh
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(fact_pdf(tmp_path / "k.pdf"))))
    writer.encrypt(user_password="", owner_password="ejer", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    response = upload(client, "aes.pdf", buffer.getvalue())
    assert response.status_code == 202, response.text
    assert wait_for_job(client, response.json()["job_id"])["results"][0]["status"] == "indexed"


def test_staging_is_cleared_on_start(tmp_path: Path, embedding_cache_dir: Path) -> None:
    context = AppContext(make_settings(tmp_path / "data", embedding_cache_dir))
    leftover = uploads.staging_dir(context) / "a1b2c3.pdf"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"%PDF-1.4 killed mid-check")
    create_app(context)
    assert not leftover.exists()


def test_a_long_name_keeps_its_suffix_and_never_becomes_hidden() -> None:
    name = "a" * 10 + "." + "b" * 145 + ".pdf"
    stored = uploads.safe_name(name)
    assert stored.endswith(".pdf") and not stored.startswith(".") and stored.startswith("aaaaaaaaaa")
    assert len(stored) <= uploads.MAX_NAME_CHARS


def test_page_and_time_budgets_refuse_heavy_files(tmp_path: Path, embedding_cache_dir: Path) -> None:
    pdf = make_long_pdf(tmp_path / "lang.pdf", 12).read_bytes()
    for overrides, reason in (({"upload_max_pages": 10}, "højst 10 sider"), ({"upload_check_timeout_s": 0.01}, "tog mere end")):
        context = AppContext(make_settings(tmp_path / str(len(reason)), embedding_cache_dir, **overrides))
        with live_server(create_app(context)) as url, httpx.Client(base_url=url, timeout=60) as client:
            response = upload(client, "lang.pdf", pdf)
        assert response.status_code == 422 and reason in response.json()["detail"]
        assert not [p for p in uploads.uploads_dir(context).rglob("*") if p.is_file()]


def test_checking_an_upload_does_not_block_other_requests(
    fresh: tuple[httpx.Client, AppContext], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real check runs, then holds until /healthz has answered five times meanwhile.

    Holding the check (rather than timing a big file) makes the test as strict on a
    fast machine as on a slow one: were the check run on the event loop, /healthz
    could not answer and the hold would run out.
    """
    client, _ = fresh
    pdf = make_long_pdf(tmp_path / "aarsrapport.pdf", 30).read_bytes()
    checking, answered = threading.Event(), threading.Event()
    real_check = uploads.check_in_child

    def held_check(*args: object) -> str | None:
        reason = real_check(*args)
        checking.set()
        answered.wait(timeout=15)
        return reason

    monkeypatch.setattr(uploads, "check_in_child", held_check)
    result: list[httpx.Response] = []
    sender = threading.Thread(target=lambda: result.append(upload(client, "aarsrapport.pdf", pdf)))
    sender.start()
    assert checking.wait(timeout=30), "the upload never reached the check"
    healthy = sum(client.get("/healthz", timeout=5).status_code == 200 for _ in range(5))
    answered.set()
    sender.join(timeout=30)
    assert healthy == 5 and result[0].status_code == 202


def _raw_request(url: str, head: str, body: bytes = b"", timeout: float = 5) -> bytes:
    """Send a request by hand (a declared length the body never reaches) and read the response."""
    parsed = urlparse(url)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=timeout) as sock:
        sock.sendall(head.encode() + b"\r\n" + body)
        return sock.recv(65536)


def test_size_and_auth_are_checked_before_the_body_is_read(tmp_path: Path, embedding_cache_dir: Path) -> None:
    settings = make_settings(tmp_path / "data", embedding_cache_dir, reader_token="laes", admin_token="adm", max_upload_mb=1)
    declared_200_mb = (
        "POST /api/documents HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        "Content-Length: 209715200\r\n{auth}"
    )
    with live_server(create_app(AppContext(settings))) as url:
        assert _raw_request(url, declared_200_mb.format(auth="")).startswith(b"HTTP/1.1 401")
        reader = declared_200_mb.format(auth="Authorization: Bearer laes\r\n")
        assert _raw_request(url, reader).startswith(b"HTTP/1.1 403")
        admin = declared_200_mb.format(auth="Authorization: Bearer adm\r\n")
        assert _raw_request(url, admin).startswith(b"HTTP/1.1 413")

        def endless() -> Iterator[bytes]:
            yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.pdf\"\r\n\r\n%PDF-1.4\n"
            for _ in range(3 * 16):
                yield b"0" * 65536

        chunked = httpx.post(
            f"{url}/api/documents", content=endless(), headers={
                "Authorization": "Bearer adm", "Content-Type": "multipart/form-data; boundary=b"
            }, timeout=30,
        )
        assert chunked.status_code == 413 and "for stor" in chunked.json()["detail"]
    assert not [p for p in uploads.uploads_dir(AppContext(settings)).rglob("*") if p.is_file()]


def test_the_ui_upload_route_has_the_same_limit(tmp_path: Path, embedding_cache_dir: Path) -> None:
    from ishoj_assistant.cli.serve_command import build_app

    settings = make_settings(tmp_path / "data", embedding_cache_dir, max_upload_mb=1)
    with live_server(build_app(AppContext(settings))) as url:
        head = (
            "POST /gradio_api/upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            "Content-Length: 209715200\r\n"
        )
        assert _raw_request(url, head).startswith(b"HTTP/1.1 413")
        big = httpx.post(f"{url}/gradio_api/upload", files={"files": ("x.pdf", b"0" * (2 << 20))}, timeout=30)
        assert big.status_code == 413
    assert not [p for p in settings.ui_temp_dir.rglob("*") if p.is_file()]


def test_ui_temp_files_are_cleared_on_start_and_swept_when_never_submitted(tmp_path: Path, embedding_cache_dir: Path) -> None:
    from ui.security import sweep, use_private_temp_dir

    settings = make_settings(tmp_path / "data", embedding_cache_dir)
    leftover = settings.ui_temp_dir / "a1" / "fra-sidste-koersel.pdf"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"%PDF-1.4")
    use_private_temp_dir(settings)
    assert not leftover.exists()

    forgotten, fresh_pick = settings.ui_temp_dir / "b2" / "glemt.pdf", settings.ui_temp_dir / "c3" / "ny.pdf"
    for path in (forgotten, fresh_pick):
        path.parent.mkdir(parents=True)
        path.write_bytes(b"%PDF-1.4")
    an_hour_ago = time.time() - 3600
    os.utime(forgotten, (an_hour_ago, an_hour_ago))
    assert sweep(settings) == 1
    assert not forgotten.exists() and fresh_pick.exists()
