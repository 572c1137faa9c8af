"""Run an ASGI app with real uvicorn on a free loopback port in a thread."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import httpx
import uvicorn

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(app: Any, port: int | None = None) -> Iterator[str]:
    """Yield the base URL while uvicorn serves ``app``; stop it afterwards.

    A fixed ``port`` lets a test restart the server at the same origin, which
    keeps the browser's storage for that origin.
    """
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port or free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn startede ikke")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def serve_process(env_overrides: dict[str, str], *args: str) -> "subprocess.Popen[str]":
    """`ishoj-assistant serve` as a real child process (output on its stdout)."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **env_overrides}
    env.pop("GRADIO_ANALYTICS_ENABLED", None)
    return subprocess.Popen(
        [sys.executable, "-m", "ishoj_assistant", "serve", *args],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def wait_healthy(url: str, process: "subprocess.Popen[str]", timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            return dict(httpx.get(f"{url}/healthz", timeout=2).json())
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{url} not ready within {timeout} s")


def stop_serve(process: "subprocess.Popen[str]") -> str:
    process.terminate()
    out, _ = process.communicate(timeout=20)
    return out
