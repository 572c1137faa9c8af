"""A scripted chat LLM on 127.0.0.1 that speaks the OpenAI and Ollama protocols.

Tests drive the real llama-index clients over real HTTP against it, so a
change in how the clients talk or parse (SSE, NDJSON, response shapes) breaks
the tests rather than a site. Replies come from a queue the test fills;
every request is recorded for assertions on what was actually sent.

Usage::

    with FakeLLMServer() as server:
        server.reply("Svar [1].")
        ... Settings(llm_url=server.url) ...
        server.requests[-1].messages
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

OPENAI_PATH = "/v1/chat/completions"
OLLAMA_PATH = "/api/chat"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it."""

    path: str
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, str]]:
        """The chat messages with content flattened to text (OpenAI allows content parts)."""
        return [{"role": m["role"], "content": _text(m.get("content"))} for m in self.body.get("messages", [])]

    @property
    def streaming(self) -> bool:
        return bool(self.body.get("stream"))


class FakeLLMServer:
    """Threaded HTTP server answering chat requests from a queue of scripted replies."""

    def __init__(self) -> None:
        self.replies: deque[str] = deque()
        self.requests: list[RecordedRequest] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        # A short poll interval so stop() (and each test's teardown) returns at once.
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def reply(self, *texts: str) -> None:
        """Queue replies; each request consumes the next one."""
        self.replies.extend(texts)

    def start(self) -> "FakeLLMServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "FakeLLMServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def stream_pieces(text: str) -> list[str]:
    """How a reply is cut into streamed pieces: word by word, like real token streams."""
    return re.findall(r"\s*\S+|\s+$", text) or [text]


def _text(content: Any) -> str:
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content)
    return content or ""


def _handler_for(server: FakeLLMServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            request = RecordedRequest(self.path, body)
            server.requests.append(request)
            if self.path not in (OPENAI_PATH, OLLAMA_PATH):
                return self._send_json(404, {"error": f"unknown path {self.path}"})
            if not server.replies:
                return self._send_json(500, {"error": "no scripted reply left"})
            reply = server.replies.popleft()
            openai = self.path == OPENAI_PATH
            if request.streaming:
                lines = _openai_events(body, reply) if openai else _ollama_lines(body, reply)
                return self._send_stream("text/event-stream" if openai else "application/x-ndjson", lines)
            payload = _openai_completion(body, reply) if openai else _ollama_message(body, reply, done=True)
            return self._send_json(200, payload)

        def _send_json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _send_stream(self, content_type: str, lines: Iterator[str]) -> None:
            # HTTP/1.0 without Content-Length: the body ends when the connection closes.
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.end_headers()
            for line in lines:
                self.wfile.write(line.encode())
                self.wfile.flush()

    return Handler


# --- OpenAI /v1/chat/completions ----------------------------------------------------


def _openai_completion(body: dict[str, Any], reply: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", ""),
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop", "logprobs": None}
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _openai_chunk(body: dict[str, Any], delta: dict[str, str], finish_reason: str | None) -> str:
    chunk = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", ""),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}],
    }
    return f"data: {json.dumps(chunk)}\n\n"


def _openai_events(body: dict[str, Any], reply: str) -> Iterator[str]:
    yield _openai_chunk(body, {"role": "assistant", "content": ""}, None)
    for piece in stream_pieces(reply):
        yield _openai_chunk(body, {"content": piece}, None)
    yield _openai_chunk(body, {}, "stop")
    yield "data: [DONE]\n\n"


# --- Ollama /api/chat -------------------------------------------------------------


def _ollama_message(body: dict[str, Any], content: str, done: bool) -> dict[str, Any]:
    message: dict[str, Any] = {
        "model": body.get("model", ""),
        "created_at": "2024-01-01T00:00:00Z",
        "message": {"role": "assistant", "content": content},
        "done": done,
    }
    if done:
        message.update(done_reason="stop", total_duration=1, prompt_eval_count=1, eval_count=1)
    return message


def _ollama_lines(body: dict[str, Any], reply: str) -> Iterator[str]:
    for piece in stream_pieces(reply):
        yield json.dumps(_ollama_message(body, piece, done=False)) + "\n"
    yield json.dumps(_ollama_message(body, "", done=True)) + "\n"
