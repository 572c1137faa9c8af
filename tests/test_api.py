"""The HTTP API over real HTTP (uvicorn in a thread) against real Chroma and the real embedder."""

from __future__ import annotations

import io
import json
import shutil
import time
from pathlib import Path
from typing import Iterator

import httpx
import pypdf
import pytest

from ishoj_assistant.api import create_app
from ishoj_assistant.services.text_input import MAX_QUESTION_CHARS
from ishoj_assistant.api.security import InsecureBindError, check_bind
from ishoj_assistant.context import AppContext
from ishoj_assistant.settings import Settings
from tests.conftest import SHIPPED_CORPUS, make_settings
from tests.live_server import free_port, live_server, serve_process, stop_serve, wait_healthy
from tests.pdf_factory import Heading, Paragraph, make_bomb_pdf, make_pdf, make_scanned_pdf

SEARCH_KEYS = {"doc_id", "title", "file", "page", "section", "text", "score"}
CITATION_KEYS = {"n", "doc_id", "title", "file", "page", "quote"}
UNIQUE_FACT = (
    "Ishøj Kommune åbner i 2031 et nyt kolibrihus for ældre borgere med demens. "
    "Kolibrihuset får 24 pladser og ligger ved Strandparken. Projektet finansieres af puljen til værdig ældrepleje."
)


@pytest.fixture(scope="module")
def api(corpus_context: AppContext) -> Iterator[httpx.Client]:
    """A read-only client against the indexed shipped corpus."""
    with live_server(create_app(corpus_context)) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield client


@pytest.fixture
def fresh(tmp_path: Path, embedding_cache_dir: Path) -> Iterator[tuple[httpx.Client, AppContext]]:
    """A client against an empty, writable index of its own."""
    context = AppContext(make_settings(tmp_path / "data", embedding_cache_dir, max_upload_mb=1))
    with live_server(create_app(context)) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield client, context


@pytest.fixture
def secured(tmp_path: Path, embedding_cache_dir: Path) -> Iterator[httpx.Client]:
    settings = make_settings(tmp_path / "data", embedding_cache_dir, reader_token="laes-123", admin_token="adm-456")
    with live_server(create_app(AppContext(settings))) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield client


def fact_pdf(path: Path) -> bytes:
    make_pdf(path, [[Heading("Kolibrihuset"), Paragraph(UNIQUE_FACT)]], title="Notat om Kolibrihuset 2031")
    return path.read_bytes()


def upload(client: httpx.Client, name: str, data: bytes, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/documents", files={"file": (name, data, "application/pdf")}, headers=headers)


def wait_for_job(client: httpx.Client, job_id: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    seen_progress = []
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        seen_progress.append(job["progress"])
        if job["status"] in ("done", "failed"):
            assert seen_progress == sorted(seen_progress), "progress went backwards"
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish")


def sse_events(response: httpx.Response) -> list[tuple[str, object]]:
    events = []
    for block in response.text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


# --- reading ----------------------------------------------------------------------


def test_healthz_reports_index_size_embedder_and_store_mode(api: httpx.Client, corpus_context: AppContext) -> None:
    health = api.get("/healthz").json()
    assert health == {
        "status": "ok",
        "chunks": corpus_context.store.count(),
        "documents": 5,
        "embedder": corpus_context.embedder.name,
        "store_mode": corpus_context.settings.store_mode,
    }
    assert health["chunks"] > 5


def test_openapi_docs_are_served(api: httpx.Client) -> None:
    assert "swagger" in api.get("/docs").text.lower()
    paths = api.get("/openapi.json").json()["paths"]
    for path in ("/api/search", "/api/ask", "/api/ask/stream", "/api/documents", "/api/jobs/{job_id}", "/healthz"):
        assert path in paths


def test_search_returns_passages_in_the_documented_shape(api: httpx.Client) -> None:
    response = api.post("/api/search", json={"query": "kontinensklinik", "k": 3})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 3
    assert all(set(r) == SEARCH_KEYS for r in results)
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_search_filters_by_type_and_year(api: httpx.Client, corpus_context: AppContext) -> None:
    strategy = next(d for d in corpus_context.store.documents() if d.doc_type == "strategi")
    body = {"query": "sundhed", "k": 20, "filters": {"doc_type": "strategi", "year": strategy.year}}
    results = api.post("/api/search", json=body).json()["results"]
    assert results and {r["doc_id"] for r in results} == {strategy.doc_id}
    by_id = api.post("/api/search", json={"query": "sundhed", "filters": {"doc_id": strategy.doc_id}}).json()
    assert {r["doc_id"] for r in by_id["results"]} == {strategy.doc_id}


def test_ask_answers_with_citations(api: httpx.Client) -> None:
    response = api.post("/api/ask", json={"question": "Hvad er værdighedsmilliarden?"})
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"answer", "declined", "citations", "mode", "resolved_question", "warnings", "related"}
    assert answer["mode"] == "answer" and answer["declined"] is False and answer["answer"]
    assert answer["citations"] and all(set(c) == CITATION_KEYS for c in answer["citations"])
    assert answer["citations"][0]["n"] == 1


def test_ask_declines_when_the_filters_leave_nothing(api: httpx.Client) -> None:
    body = {"question": "Hvad er værdighedsmilliarden?", "filters": {"year": 1999}}
    answer = api.post("/api/ask", json=body).json()
    assert answer["declined"] is True and answer["citations"] == []


def test_ask_accepts_history_and_draft_mode(api: httpx.Client) -> None:
    body = {
        "question": "Skriv et afsnit om indsatsen for ældre",
        "history": [{"role": "user", "content": "Hej"}, {"role": "assistant", "content": "Hej, hvad vil du vide?"}],
        "mode": "draft",
    }
    response = api.post("/api/ask", json=body)
    assert response.status_code == 200 and response.json()["mode"] == "draft"
    bad_role = {**body, "history": [{"role": "system", "content": "x"}]}
    assert api.post("/api/ask", json=bad_role).status_code == 422


def test_ask_stream_sends_pieces_then_the_full_answer(api: httpx.Client) -> None:
    body = {"question": "Hvad er værdighedsmilliarden?"}
    response = api.post("/api/ask/stream", json=body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response)
    names = [name for name, _ in events]
    assert names[-1] == "done" and set(names[:-1]) == {"piece"} and len(names) >= 2
    done = events[-1][1]
    assert done == api.post("/api/ask", json=body).json()
    streamed = "".join(str(piece) for _, piece in events[:-1])
    assert " ".join(streamed.split()) == " ".join(done["answer"].split())
    assert done["citations"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("   ", "Spørgsmålet må ikke være tomt"),
        ("x" * (MAX_QUESTION_CHARS + 1), "Spørgsmålet er for langt"),
        ("Hvad er status? " * 625, "Spørgsmålet er for langt"),  # 10,000 characters, the size named in the issue
        ("Hvad er\x00 status?", "kontroltegn"),
        ("Hvad er\x1b[31m status?", "kontroltegn"),
    ],
)
def test_invalid_questions_are_refused_in_danish(api: httpx.Client, question: str, expected: str) -> None:
    for path in ("/api/ask", "/api/ask/stream"):
        response = api.post(path, json={"question": question})
        assert response.status_code == 422
        assert expected in response.json()["detail"]
    search = api.post("/api/search", json={"query": question})
    assert search.status_code == 422 and expected.replace("Spørgsmålet", "Søgningen").replace("tomt", "tom").replace("langt", "lang") in search.json()["detail"]


def test_html_in_a_question_is_kept_as_text(api: httpx.Client) -> None:
    response = api.post("/api/ask", json={"question": "<script>alert(1)</script> Hvad er værdighedsmilliarden?"})
    assert response.status_code == 200


def test_missing_field_is_reported_in_danish(api: httpx.Client) -> None:
    response = api.post("/api/ask", json={})
    assert response.status_code == 422 and "Feltet 'question' mangler" in response.json()["detail"]


def test_an_unknown_field_is_refused_not_ignored(api: httpx.Client) -> None:
    """A misspelt filter must not quietly search the whole archive."""
    response = api.post("/api/ask", json={"question": "Hvor mange borgere blev udredt?", "filters": {"years": [2023]}})
    assert response.status_code == 422 and "Feltet 'filters.years' findes ikke" in response.json()["detail"]
    search = api.post("/api/search", json={"query": "kontinensklinik", "top_k": 3})
    assert search.status_code == 422 and "Feltet 'top_k' findes ikke" in search.json()["detail"]


def test_documents_lists_the_corpus_and_serves_the_original_pdf(api: httpx.Client) -> None:
    documents = api.get("/api/documents").json()["documents"]
    assert sorted(d["file"] for d in documents) == sorted(p.name for p in SHIPPED_CORPUS.glob("*.pdf"))
    first = documents[0]
    response = api.get(f"/api/documents/{first['doc_id']}/file")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    assert response.content == (SHIPPED_CORPUS / first["file"]).read_bytes()
    assert api.get("/api/documents/findes-ikke/file").status_code == 404


# --- administering ----------------------------------------------------------------


def test_upload_is_indexed_in_the_background_found_and_deleted(
    fresh: tuple[httpx.Client, AppContext], tmp_path: Path
) -> None:
    client, context = fresh
    response = upload(client, "Notat om kolibrihuset.pdf", fact_pdf(tmp_path / "k.pdf"))
    assert response.status_code == 202
    accepted = response.json()
    assert accepted["file"] == "Notat-om-kolibrihuset.pdf"
    job = wait_for_job(client, accepted["job_id"])
    assert job["status"] == "done" and job["progress"] == 1.0
    assert [(r["file"], r["status"]) for r in job["results"]] == [("Notat-om-kolibrihuset.pdf", "indexed")]
    doc_id = job["results"][0]["doc_id"]
    stored = [p.relative_to(context.settings.data_dir / "uploads") for p in (context.settings.data_dir / "uploads").rglob("*.pdf")]
    assert len(stored) == 1 and stored[0].parts[0] == doc_id and stored[0].name == "Notat-om-kolibrihuset.pdf"

    hits = client.post("/api/search", json={"query": "Hvor mange pladser får kolibrihuset?", "k": 1}).json()
    assert hits["results"][0]["doc_id"] == doc_id and "24 pladser" in hits["results"][0]["text"]
    assert [d["doc_id"] for d in client.get("/api/documents").json()["documents"]] == [doc_id]
    assert client.get(f"/api/documents/{doc_id}/file").content.startswith(b"%PDF")

    assert client.delete(f"/api/documents/{doc_id}").json() == {"removed": doc_id}
    assert client.get("/api/documents").json()["documents"] == []
    assert client.post("/api/search", json={"query": "kolibrihuset"}).json()["results"] == []
    assert not list((context.settings.data_dir / "uploads").rglob("*.pdf"))
    assert client.delete(f"/api/documents/{doc_id}").status_code == 404
    assert client.get("/api/jobs/findes-ikke").status_code == 404


def _encrypted_pdf(path: Path) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(fact_pdf(path))))
    writer.encrypt(user_password="hemmelig", owner_password="ejer")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "status", "reason"),
    [
        ("stor.pdf", lambda p: b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 10), 413, "for stor"),
        ("program.exe", lambda p: b"MZ\x90\x00", 415, "'.exe' understøttes ikke"),
        ("tom.pdf", lambda p: b"", 400, "tom (0 byte)"),
        ("side.pdf", lambda p: b"<!DOCTYPE html><html><body>Ikke en PDF</body></html>", 422, "HTML-side"),
        ("beskadiget.pdf", lambda p: b"%PDF-1.4\n1 0 obj <<>> garbage \xff\xfe", 422, "kan ikke indekseres"),
        ("krypteret.pdf", _encrypted_pdf, 422, "adgangskode"),
        ("scannet.pdf", lambda p: make_scanned_pdf(p).read_bytes(), 422, "intet tekstlag"),
        ("notat.docx", lambda p: b"Dette er ikke en zip-fil", 422, "DOCX-filen er beskadiget"),
        ("bombe.pdf", lambda p: make_bomb_pdf(p).read_bytes(), 422, "dekomprimeringsbombe"),
        ("../../etc/passwd.pdf", lambda p: b"%PDF-1.4", 400, "Ugyldigt filnavn"),
        ("..\\boot.pdf", lambda p: b"%PDF-1.4", 400, "Ugyldigt filnavn"),
        (".skjult.pdf", lambda p: b"%PDF-1.4", 400, "Ugyldigt filnavn"),
    ],
)
def test_bad_uploads_are_refused_with_a_danish_reason(
    fresh: tuple[httpx.Client, AppContext], tmp_path: Path, name: str, make, status: int, reason: str  # type: ignore[no-untyped-def]
) -> None:
    client, context = fresh
    response = upload(client, name, make(tmp_path / "src.pdf"))
    assert response.status_code == status, response.text
    assert reason in response.json()["detail"]
    assert not [p for p in (context.settings.data_dir / "uploads").rglob("*") if p.is_file()]
    assert not (tmp_path.parent / "passwd.pdf").exists()


def test_duplicate_of_an_indexed_file_is_refused_naming_it(fresh: tuple[httpx.Client, AppContext]) -> None:
    client, context = fresh
    original = next(iter(sorted(SHIPPED_CORPUS.glob("*.pdf"))))
    context.indexer().ingest([original])
    same_bytes = original.read_bytes()
    renamed = upload(client, "kopi.pdf", same_bytes)
    assert renamed.status_code == 409 and original.name in renamed.json()["detail"]
    same_name = upload(client, original.name, same_bytes)
    assert same_name.status_code == 409 and "allerede indekseret" in same_name.json()["detail"]


# --- roles, binding, CORS -----------------------------------------------------------


def test_tokens_separate_readers_from_administrators(secured: httpx.Client, tmp_path: Path) -> None:
    reader = {"Authorization": "Bearer laes-123"}
    assert secured.get("/healthz").status_code == 200
    assert secured.get("/api/documents").status_code == 401
    assert secured.get("/api/documents", headers={"Authorization": "Bearer forkert"}).status_code == 401
    assert secured.post("/api/search", json={"query": "ældre"}).status_code == 401
    assert secured.get("/api/documents", headers=reader).status_code == 200
    assert secured.get("/api/documents", headers={"Authorization": "Bearer adm-456"}).status_code == 200

    pdf = fact_pdf(tmp_path / "k.pdf")
    assert upload(secured, "k.pdf", pdf).status_code == 401
    refused = secured.post("/api/documents", files={"file": ("k.pdf", pdf)}, headers=reader)
    assert refused.status_code == 403 and "administratortoken" in refused.json()["detail"]
    assert secured.delete("/api/documents/x", headers=reader).status_code == 403
    assert secured.post("/api/reindex", headers=reader).status_code == 403
    assert secured.delete("/api/documents/x", headers={"Authorization": "Bearer adm-456"}).status_code == 404
    accepted = upload(secured, "k.pdf", pdf, token="adm-456")
    assert accepted.status_code == 202
    assert secured.get(f"/api/jobs/{accepted.json()['job_id']}", headers=reader).status_code == 403


def test_admin_endpoints_are_closed_when_only_a_reader_token_is_set(tmp_path: Path, embedding_cache_dir: Path) -> None:
    settings = make_settings(tmp_path / "data", embedding_cache_dir, reader_token="laes")
    with live_server(create_app(AppContext(settings))) as url:
        response = httpx.delete(f"{url}/api/documents/x", headers={"Authorization": "Bearer laes"})
    assert response.status_code == 403 and "ISHOJ_ADMIN_TOKEN" in response.json()["detail"]


def test_binding_beyond_loopback_needs_tokens(tmp_path: Path, embedding_cache_dir: Path) -> None:
    open_settings = make_settings(tmp_path / "a", embedding_cache_dir)
    assert "127.0.0.1" in check_bind(open_settings, "127.0.0.1")
    check_bind(open_settings, "localhost")
    with pytest.raises(InsecureBindError, match="ISHOJ_ADMIN_TOKEN"):
        check_bind(open_settings, "0.0.0.0")
    with pytest.raises(InsecureBindError):
        check_bind(make_settings(tmp_path / "b", embedding_cache_dir, admin_token="a"), "192.168.1.5")
    secured = make_settings(tmp_path / "c", embedding_cache_dir, admin_token="a", reader_token="r")
    assert "token" in check_bind(secured, "0.0.0.0")


def test_cors_is_off_unless_origins_are_configured(
    api: httpx.Client, tmp_path: Path, embedding_cache_dir: Path
) -> None:
    preflight = {"Origin": "https://intra.ishoj.dk", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in api.options("/api/search", headers=preflight).headers
    settings = make_settings(tmp_path / "data", embedding_cache_dir, cors_origins=["https://intra.ishoj.dk"])
    with live_server(create_app(AppContext(settings))) as url:
        response = httpx.options(f"{url}/api/search", headers=preflight)
    assert response.headers["access-control-allow-origin"] == "https://intra.ishoj.dk"


# --- serve --------------------------------------------------------------------------


def test_serve_with_a_built_index_serves_api_and_ui_without_reingesting(
    corpus_context: AppContext, tmp_path: Path
) -> None:
    # How fast it starts is measured in benchmarks/startup.py, not here: a shared CI machine's load decides that.
    data_dir = tmp_path / "data"
    shutil.copytree(corpus_context.settings.data_dir, data_dir, symlinks=True)
    port = free_port()
    process = serve_process({"ISHOJ_DATA_DIR": str(data_dir), **store_environment(corpus_context.settings)}, "--port", str(port))
    try:
        health = wait_healthy(f"http://127.0.0.1:{port}", process, timeout=90)
        assert health["documents"] == 5
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10, follow_redirects=True)
        assert page.status_code == 200 and "gradio" in page.text.lower()
        assert httpx.get(f"http://127.0.0.1:{port}/api/documents").status_code == 200
    finally:
        output = stop_serve(process)
    assert "127.0.0.1" in output and "Indekset er tomt" not in output


def store_environment(settings: Settings) -> dict[str, str]:
    """The environment that points a serve process at the same Chroma collection as ``settings``
    (a `chroma run` server's collection is not in the data dir that is copied)."""
    return {
        "ISHOJ_STORE_MODE": settings.store_mode,
        "ISHOJ_CHROMA_HOST": settings.chroma_host,
        "ISHOJ_CHROMA_PORT": str(settings.chroma_port),
        "ISHOJ_COLLECTION": settings.collection,
    }


def test_serve_ingests_the_corpus_when_the_index_is_empty(tmp_path: Path, embedding_cache_dir: Path) -> None:
    corpus = tmp_path / "corpus"
    fact_pdf(corpus / "kolibrihuset-2031.pdf")
    data_dir = tmp_path / "data"
    make_settings(data_dir, embedding_cache_dir)  # links the shared embedding cache
    port = free_port()
    process = serve_process({"ISHOJ_DATA_DIR": str(data_dir), "ISHOJ_CORPUS_DIR": str(corpus)}, "--port", str(port))
    try:
        health = wait_healthy(f"http://127.0.0.1:{port}", process, timeout=90)
    finally:
        output = stop_serve(process)
    assert health["documents"] == 1
    assert "Indekset er tomt" in output


def test_serve_refuses_a_public_host_without_tokens(tmp_path: Path) -> None:
    process = serve_process({"ISHOJ_DATA_DIR": str(tmp_path / "data")}, "--host", "0.0.0.0", "--port", str(free_port()))
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "Nægter at lytte på 0.0.0.0" in output


def test_reindex_job_indexes_the_corpus_folder(tmp_path: Path, embedding_cache_dir: Path) -> None:
    corpus = tmp_path / "corpus"
    fact_pdf(corpus / "kolibrihuset-2031.pdf")
    context = AppContext(make_settings(tmp_path / "data", embedding_cache_dir, corpus_dir=corpus))
    with live_server(create_app(context)) as url, httpx.Client(base_url=url, timeout=60) as client:
        accepted = client.post("/api/reindex")
        assert accepted.status_code == 202
        job = wait_for_job(client, accepted.json()["job_id"])
        assert [(r["file"], r["status"]) for r in job["results"]] == [("kolibrihuset-2031.pdf", "indexed")]
        assert [d["file"] for d in client.get("/api/documents").json()["documents"]] == ["kolibrihuset-2031.pdf"]


class _FailingAssistant:
    """An assistant whose backend breaks after the first piece (e.g. the LLM server went away)."""

    def stream(self, question, history, mode, filters):  # type: ignore[no-untyped-def]
        yield "Ishøj "
        raise ConnectionError("LLM-serveren svarer ikke")


def test_stream_reports_a_failure_as_an_error_event(tmp_path: Path, embedding_cache_dir: Path) -> None:
    context = AppContext(make_settings(tmp_path / "data", embedding_cache_dir))
    context.assistant = _FailingAssistant()  # type: ignore[assignment]
    with live_server(create_app(context)) as url:
        events = sse_events(httpx.post(f"{url}/api/ask/stream", json={"question": "Hvad?"}, timeout=30))
    assert events == [("piece", "Ishøj "), ("error", {"detail": "Svaret kunne ikke laves; prøv igen om lidt"})]
