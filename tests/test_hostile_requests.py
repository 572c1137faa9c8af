"""What a hostile or careless client sends to the API and the UI's routes: unencodable text,
huge or malformed bodies, foreign origins, guessed tokens; and what the answer carries back."""

from __future__ import annotations

import hmac
import json
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from ingest.metadata import DOC_TYPES
from ishoj_assistant.api import create_app
from ishoj_assistant.cli.serve_command import build_app
from ishoj_assistant.context import AppContext
from ishoj_assistant.models import Answer, Chunk, DocType, Passage
from tests.conftest import make_settings
from tests.live_server import live_server
from tests.test_api import SEARCH_KEYS, sse_events

LONE_SURROGATE = '{"question": "Hvad er \\ud800 status?"}'


@pytest.fixture(scope="module")
def api(corpus_context: AppContext) -> Iterator[httpx.Client]:
    with live_server(create_app(corpus_context)) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield client


@pytest.fixture
def whole_app(tmp_path: Path, embedding_cache_dir: Path) -> Iterator[str]:
    """API and UI together, as `serve` builds them, with both tokens and a low throttle limit."""
    settings = make_settings(
        tmp_path / "data", embedding_cache_dir, reader_token="laes-1", admin_token="adm-2", auth_failure_limit=3,
        max_upload_mb=1,
    )
    with live_server(build_app(AppContext(settings))) as url:
        yield url


def _post_raw(client: httpx.Client, path: str, body: str | bytes) -> httpx.Response:
    return client.post(path, content=body, headers={"Content-Type": "application/json"})


def test_a_lone_surrogate_is_refused_in_danish_without_internals(api: httpx.Client) -> None:
    for path, body in (
        ("/api/ask", LONE_SURROGATE),
        ("/api/ask/stream", LONE_SURROGATE),
        ("/api/search", LONE_SURROGATE.replace("question", "query")),
        ("/api/ask", '{"question": "Hvad?", "history": [{"role": "user", "content": "\\udfff"}]}'),
    ):
        response = _post_raw(api, path, body)
        assert response.status_code == 422, (path, response.text)
        assert "ugyldige tegn" in response.json()["detail"]
        assert "Error" not in response.text and "Traceback" not in response.text


def test_oversized_bodies_are_refused_before_validation(api: httpx.Client) -> None:
    huge = json.dumps({"question": "Hvad er status? " * 200_000})  # 3.2 MB
    response = _post_raw(api, "/api/ask", huge)
    assert response.status_code == 413 and "for stor" in response.json()["detail"]
    assert len(response.content) < 500


def test_validation_errors_echo_only_a_short_prefix_and_say_what_is_wrong(api: httpx.Client) -> None:
    long_question = api.post("/api/ask", json={"question": "x" * 5000})
    assert long_question.status_code == 422 and "for lang" in long_question.json()["detail"]
    assert len(long_question.content) < 1000
    malformed = _post_raw(api, "/api/ask", '{"question": "Hvad er"')
    assert malformed.status_code == 422 and "ikke gyldig JSON" in malformed.json()["detail"]
    empty = _post_raw(api, "/api/ask", "")
    assert empty.status_code == 422 and empty.json()["detail"] == "Forespørgslen mangler en JSON-krop"


class _WarningAssistant:
    """Answers like a generative backend whose language model was unreachable."""

    answer_ = Answer(
        "Det kan jeg ikke finde i dokumenterne.",
        declined=True,
        citations=[],
        related=[Passage(Chunk("k:v:0000", "k", "v", "Kolibrihuset får 24 pladser.", "k.pdf", "Kolibri", "status", 2031, 2, 2, "Pladser", 0, 28, 0), 0.5)],
        warnings=["Sprogmodellen svarede ikke; svaret er lavet uden den"],
    )

    def answer(self, question, history, mode, filters):  # type: ignore[no-untyped-def]
        return self.answer_

    def stream(self, question, history, mode, filters):  # type: ignore[no-untyped-def]
        yield self.answer_


def test_ask_returns_warnings_and_related_passages(tmp_path: Path, embedding_cache_dir: Path) -> None:
    context = AppContext(make_settings(tmp_path / "data", embedding_cache_dir))
    context.assistant = _WarningAssistant()  # type: ignore[assignment]
    with live_server(create_app(context)) as url:
        answer = httpx.post(f"{url}/api/ask", json={"question": "Hvor mange pladser?"}).json()
        streamed = sse_events(httpx.post(f"{url}/api/ask/stream", json={"question": "Hvor mange pladser?"}))
    assert answer["warnings"] == ["Sprogmodellen svarede ikke; svaret er lavet uden den"]
    assert [(r["doc_id"], r["page"], r["text"]) for r in answer["related"]] == [("k", 2, "Kolibrihuset får 24 pladser.")]
    assert all(set(r) == SEARCH_KEYS for r in answer["related"])
    assert streamed == [("done", answer)]


def test_document_types_come_from_one_enum(api: httpx.Client) -> None:
    schema = api.get("/openapi.json").json()
    assert schema["components"]["schemas"]["DocType"]["enum"] == [t.value for t in DocType]
    assert DOC_TYPES == tuple(t.value for t in DocType)
    refused = api.post("/api/search", json={"query": "ældre", "filters": {"doc_type": "hemmelig"}})
    assert refused.status_code == 422


def test_api_docs_are_open_and_hold_no_secrets(whole_app: str) -> None:
    """Decision: /docs and /openapi.json need no token; they describe endpoints, never data or tokens."""
    schema = httpx.get(f"{whole_app}/openapi.json")
    assert schema.status_code == 200 and httpx.get(f"{whole_app}/docs").status_code == 200
    assert "laes-1" not in schema.text and "adm-2" not in schema.text
    assert httpx.get(f"{whole_app}/api/documents").status_code == 401


def test_cors_is_same_origin_only_on_the_api_and_the_ui(whole_app: str, tmp_path: Path, embedding_cache_dir: Path) -> None:
    preflight = {"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"}
    for path in ("/api/search", "/api/documents", "/gradio_api/upload", "/"):
        response = httpx.options(f"{whole_app}{path}", headers=preflight)
        assert "access-control-allow-origin" not in response.headers, path
    simple = httpx.get(f"{whole_app}/config", headers={"Origin": "http://127.0.0.1:9999"})
    assert "access-control-allow-origin" not in simple.headers
    allowed = make_settings(tmp_path / "cors", embedding_cache_dir, cors_origins=["https://intra.ishoj.dk"])
    with live_server(build_app(AppContext(allowed))) as url:
        response = httpx.options(f"{url}/api/search", headers={**preflight, "Origin": "https://intra.ishoj.dk"})
    assert response.headers["access-control-allow-origin"] == "https://intra.ishoj.dk"


def test_failed_tokens_and_logins_are_throttled(whole_app: str) -> None:
    for _ in range(3):
        assert httpx.get(f"{whole_app}/api/documents", headers={"Authorization": "Bearer gaet"}).status_code == 401
    blocked = httpx.get(f"{whole_app}/api/documents", headers={"Authorization": "Bearer laes-1"})
    assert blocked.status_code == 429 and "prøv igen om" in blocked.json()["detail"]
    assert int(blocked.headers["retry-after"]) > 0
    assert httpx.get(f"{whole_app}/healthz").status_code == 200


def test_failed_ui_logins_count_too(whole_app: str) -> None:
    for _ in range(3):
        assert httpx.post(f"{whole_app}/login", data={"username": "a", "password": "gaet"}).status_code == 400
    assert httpx.post(f"{whole_app}/login", data={"username": "a", "password": "laes-1"}).status_code == 429


def test_ui_login_compares_tokens_in_constant_time(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, embedding_cache_dir: Path) -> None:
    compared: list[bytes] = []
    original = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append(a)
        return original(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    settings = make_settings(tmp_path / "data", embedding_cache_dir, reader_token="laes-1", admin_token="adm-2")
    with live_server(build_app(AppContext(settings))) as url:
        assert httpx.post(f"{url}/login", data={"username": "a", "password": "laes-1"}).status_code == 200
        assert httpx.post(f"{url}/login", data={"username": "a", "password": "laes"}).status_code == 400
    assert b"laes-1" in compared and b"laes" in compared


def test_the_ui_chat_shows_no_exception_text(tmp_path: Path, embedding_cache_dir: Path) -> None:
    from tests.test_api import _FailingAssistant
    from ui import conversations
    from ui.app import AssistantUI
    from ui.filters import ALL

    context = AppContext(make_settings(tmp_path / "data", embedding_cache_dir))
    context.assistant = _FailingAssistant()  # type: ignore[assignment]
    updates = list(AssistantUI(context).respond("Hvad?", conversations.new_conversation(), [], "Spørg", ALL, ALL))
    chat = updates[-1][0]
    assert "fejl" in chat[-1]["content"] and "LLM-serveren" not in chat[-1]["content"]
    assert not any("LLM-serveren" in str(update) for update in updates)
