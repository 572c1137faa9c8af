"""The OpenAI-compatible endpoint (/v1), driven by the official `openai` client against real uvicorn.

The reference for every reply is /api/ask on the same server: /v1 must give
the same answer, with the source footer in the content and the citations in
an extra field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import httpx
import openai
import pytest
from openai import OpenAI

from ishoj_assistant.answering.assistant import FALLBACK_WARNING
from ishoj_assistant.answering.checker import DECLINE_TEXT
from ishoj_assistant.api import create_app
from ishoj_assistant.api.openai_footer import with_footer, without_footer
from ishoj_assistant.context import AppContext
from ishoj_assistant.models import Answer, Citation
from tests.conftest import make_settings
from tests.live_server import live_server

QUESTION = "Hvad er værdighedsmilliarden?"
BOBLBERG = "Hvor mange borgere i Ishøj er på Boblberg?"
BOBLBERG_FOLLOW_UP = "Og hvad er målsætningen for det?"
DRAFT_REQUEST = "Skriv et afsnit om indsatsen for ældre"
ERROR_KEYS = {"message", "type", "param", "code"}


@pytest.fixture(scope="module")
def server(corpus_context: AppContext) -> Iterator[str]:
    with live_server(create_app(corpus_context)) as url:
        yield url


@pytest.fixture(scope="module")
def client(server: str) -> OpenAI:
    # No token is set, so any key passes; no retries, so a failure shows at once.
    return OpenAI(base_url=f"{server}/v1", api_key="ingen-noegle", max_retries=0, timeout=60)


def api_answer(server: str, question: str, history: list[dict[str, str]] = [], mode: str = "answer") -> dict[str, Any]:  # noqa: B006
    body = {"question": question, "history": history, "mode": mode}
    response = httpx.post(f"{server}/api/ask", json=body, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def error_message(error: openai.APIStatusError) -> str:
    """The server's own message; the client's ``message`` prefixes the status and the whole body."""
    assert isinstance(error.body, dict) and set(error.body) == ERROR_KEYS, error.body
    return str(error.body["message"])


def extra(item: Any, name: str) -> Any:
    """A field OpenAI does not define, as the client exposes it."""
    return (item.model_extra or {})[name]


# --- models ------------------------------------------------------------------------


def test_lists_the_answer_and_draft_models(client: OpenAI) -> None:
    models = client.models.list().data
    assert [m.id for m in models] == ["ishoj-assistant", "ishoj-assistant-udkast"]
    assert all(m.object == "model" and m.owned_by and m.created > 0 for m in models)
    assert [extra(m, "name") for m in models] == ["Ishøj dokumentassistent", "Ishøj dokumentassistent (udkast)"]
    assert client.models.retrieve("ishoj-assistant-udkast").id == "ishoj-assistant-udkast"


def test_unknown_model_is_an_openai_404_in_danish(client: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as refused:
        client.chat.completions.create(model="gpt-4o", messages=[user(QUESTION)])
    assert refused.value.code == "model_not_found" and refused.value.type == "invalid_request_error"
    message = error_message(refused.value)
    assert message.startswith("Modellen 'gpt-4o' findes ikke") and "ishoj-assistant" in message
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-4o")


# --- answers -----------------------------------------------------------------------


def test_answer_carries_markers_a_source_list_and_structured_citations(client: OpenAI, server: str) -> None:
    expected = api_answer(server, QUESTION)
    completion = client.chat.completions.create(model="ishoj-assistant", messages=[user(QUESTION)])
    assert completion.object == "chat.completion" and completion.model == "ishoj-assistant"
    assert completion.id.startswith("chatcmpl-") and len(completion.choices) == 1
    choice = completion.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    content = choice.message.content or ""
    answer_text, _, sources = content.partition("\n\n**Kilder**\n")
    assert answer_text == expected["answer"] and "[1]" in answer_text
    citations = expected["citations"]
    assert extra(choice.message, "citations") == citations
    first = citations[0]
    assert sources.splitlines()[0].startswith("- [1]") and f"{first['title']}, s. {first['page']}" in sources.splitlines()[0]
    assert {f"[{c['n']}]" for c in citations} <= set(sources.replace("]", "] ").split())
    assert without_footer(content) == expected["answer"]


def test_stream_sends_chunks_ending_with_citations_and_done(client: OpenAI, server: str) -> None:
    whole = client.chat.completions.create(model="ishoj-assistant", messages=[user(QUESTION)]).choices[0].message
    chunks = list(client.chat.completions.create(model="ishoj-assistant", messages=[user(QUESTION)], stream=True))
    assert all(c.object == "chat.completion.chunk" and c.id == chunks[0].id for c in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert len([c for c in chunks if c.choices[0].delta.content]) >= 2
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == whole.content
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop" and not last.choices[0].delta.content
    assert extra(last, "citations") == extra(whole, "citations")
    assert all(c.choices[0].finish_reason is None and "citations" not in (c.model_extra or {}) for c in chunks[:-1])

    body = {"model": "ishoj-assistant", "messages": [user(QUESTION)], "stream": True}
    raw = httpx.post(f"{server}/v1/chat/completions", json=body, timeout=60)
    assert raw.headers["content-type"].startswith("text/event-stream")
    assert raw.text.endswith("data: [DONE]\n\n") and raw.text.count("data: [DONE]") == 1


def test_follow_up_uses_the_conversation_without_its_source_list(client: OpenAI, server: str) -> None:
    first = client.chat.completions.create(model="ishoj-assistant", messages=[user(BOBLBERG)]).choices[0].message
    assert "**Kilder**" in (first.content or "")
    conversation = [user(BOBLBERG), {"role": "assistant", "content": first.content}, user(BOBLBERG_FOLLOW_UP)]
    follow_up = client.chat.completions.create(model="ishoj-assistant", messages=conversation).choices[0].message
    # The same as the web UI's history: the earlier answer's text, without the footer.
    history = [user(BOBLBERG), {"role": "assistant", "content": api_answer(server, BOBLBERG)["answer"]}]
    expected = api_answer(server, BOBLBERG_FOLLOW_UP, history)
    assert "1-3 procent" in expected["answer"]
    assert without_footer(follow_up.content or "") == expected["answer"]
    assert extra(follow_up, "citations") == expected["citations"]
    alone = client.chat.completions.create(model="ishoj-assistant", messages=[user(BOBLBERG_FOLLOW_UP)])
    assert "1-3 procent" not in (alone.choices[0].message.content or "")


def test_system_messages_are_ignored_and_text_parts_joined(client: OpenAI, server: str) -> None:
    messages: list[Any] = [
        {"role": "system", "content": "Svar altid på engelsk og uden kilder."},
        {"role": "user", "content": [{"type": "text", "text": "Hvad er"}, {"type": "text", "text": "værdighedsmilliarden?"}]},
    ]
    completion = client.chat.completions.create(model="ishoj-assistant", messages=messages, temperature=0.2)
    assert without_footer(completion.choices[0].message.content or "") == api_answer(server, QUESTION)["answer"]


def test_draft_model_writes_a_draft(client: OpenAI, server: str) -> None:
    expected = api_answer(server, DRAFT_REQUEST, mode="draft")
    assert expected["mode"] == "draft" and not expected["declined"]
    message = client.chat.completions.create(model="ishoj-assistant-udkast", messages=[user(DRAFT_REQUEST)]).choices[0].message
    assert without_footer(message.content or "") == expected["answer"]
    assert extra(message, "citations") == expected["citations"]


def test_a_declined_answer_says_so_without_sources(client: OpenAI) -> None:
    # Baking shares no topic, word or year with the five shipped documents (elderly care and
    # health strategy), so any answer layer must decline it; this test is about how /v1 shows
    # a decline, not about where the answer layer draws its line.
    message = client.chat.completions.create(
        model="ishoj-assistant", messages=[user("Hvordan bager man surdejsbrød?")]
    ).choices[0].message
    assert DECLINE_TEXT in (message.content or "")
    assert "Kilder" not in (message.content or "") and extra(message, "citations") == []


def test_the_footer_lists_each_page_once_and_comes_off_with_its_warnings() -> None:
    citations = [Citation(1, "d", "Notat", "n.pdf", 3, "a"), Citation(2, "e", "Plan", "p.pdf", 1, "b"),
                 Citation(3, "d", "Notat", "n.pdf", 3, "c")]
    answer = Answer(text="A [1]\nB [2] C [3]", declined=False, citations=citations, warnings=[FALLBACK_WARNING])
    content = with_footer(answer)
    assert content == f"A [1]\nB [2] C [3]\n\n*Bemærk: {FALLBACK_WARNING}*\n\n**Kilder**\n- [1][3] Notat, s. 3\n- [2] Plan, s. 1"
    assert without_footer(content) == answer.text
    assert without_footer(content + "\n") == answer.text
    mentions = "Se **Kilder** nedenfor.\n- punkt"
    assert without_footer(mentions) == mentions


# --- refusals ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        ([user("   ")], "må ikke være tom"),
        ([user(QUESTION), {"role": "assistant", "content": "Svar"}], "Den sidste besked skal være brugerens spørgsmål"),
        ([{"role": "system", "content": "Du er en hjælper."}], "Den sidste besked skal være brugerens spørgsmål"),
        ([], "Ugyldig værdi i feltet 'messages'"),
    ],
)
def test_invalid_conversations_are_refused_in_openai_shape(client: OpenAI, messages: list[Any], expected: str) -> None:
    with pytest.raises(openai.BadRequestError) as refused:
        client.chat.completions.create(model="ishoj-assistant", messages=messages)
    assert refused.value.status_code == 400 and expected in error_message(refused.value)


def test_unknown_path_is_an_openai_error_and_api_errors_keep_their_shape(server: str) -> None:
    missing = httpx.get(f"{server}/v1/embeddings", timeout=10)
    assert missing.status_code == 404 and missing.json()["error"]["message"] == "Adressen findes ikke"
    assert "error" not in httpx.get(f"{server}/api/documents/findes-ikke/file", timeout=10).json()
    assert "detail" in httpx.post(f"{server}/api/ask", json={}, timeout=10).json()


def test_the_reader_token_is_the_api_key(tmp_path: Path, embedding_cache_dir: Path) -> None:
    settings = make_settings(tmp_path / "data", embedding_cache_dir, reader_token="laes-123", admin_token="adm-456")
    with live_server(create_app(AppContext(settings))) as url:
        wrong = OpenAI(base_url=f"{url}/v1", api_key="forkert", max_retries=0)
        with pytest.raises(openai.AuthenticationError) as refused:
            wrong.models.list()
        assert refused.value.code == "invalid_api_key" and error_message(refused.value) == "Manglende eller forkert token"
        with pytest.raises(openai.AuthenticationError):
            wrong.chat.completions.create(model="ishoj-assistant", messages=[user(QUESTION)])
        reader = OpenAI(base_url=f"{url}/v1", api_key="laes-123", max_retries=0)
        assert [m.id for m in reader.models.list()] == ["ishoj-assistant", "ishoj-assistant-udkast"]


class _BrokenAssistant:
    """An assistant whose backend fails with an internal message that must not reach the user."""

    def answer(self, question, history, mode):  # type: ignore[no-untyped-def]
        raise ConnectionError("intern fejl: llm.example:11434 svarer ikke")


def test_a_failure_is_a_danish_error_without_internals(tmp_path: Path, embedding_cache_dir: Path) -> None:
    context = AppContext(make_settings(tmp_path / "data", embedding_cache_dir))
    context.assistant = _BrokenAssistant()  # type: ignore[assignment]
    with live_server(create_app(context)) as url:
        broken = OpenAI(base_url=f"{url}/v1", api_key="x", max_retries=0)
        with pytest.raises(openai.InternalServerError) as failed:
            broken.chat.completions.create(model="ishoj-assistant", messages=[user(QUESTION)])
        assert error_message(failed.value) == "Svaret kunne ikke laves. Prøv igen om lidt."
        with pytest.raises(openai.APIError) as failed_stream:
            list(broken.chat.completions.create(model="ishoj-assistant", messages=[user(QUESTION)], stream=True))
        assert failed_stream.value.message == "Svaret kunne ikke laves. Prøv igen om lidt."
    assert "intern" not in failed.value.response.text
